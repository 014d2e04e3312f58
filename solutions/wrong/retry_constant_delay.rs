//! Wrong: stops in time and leaves 404s alone, but waits 1u after every
//! failure instead of doubling the wait.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, MAX_ATTEMPTS, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut attempt = 1;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error)
                if !error.is_retryable() || attempt == MAX_ATTEMPTS =>
            {
                return Err(error);
            }
            Err(_) => {
                tokio::time::sleep(BASE_DELAY).await;
                attempt += 1;
            }
        }
    }
}

fn main() {
    run(call_with_retry);
}
