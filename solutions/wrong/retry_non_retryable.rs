//! Wrong: backs off correctly, but retries every error, a 404 included.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, FACTOR, MAX_ATTEMPTS, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut delay = BASE_DELAY;
    let mut attempt = 1;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error) if attempt == MAX_ATTEMPTS => return Err(error),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay *= FACTOR;
                attempt += 1;
            }
        }
    }
}

fn main() {
    run(call_with_retry);
}
