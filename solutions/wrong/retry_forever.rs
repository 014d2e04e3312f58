//! Wrong: backs off and leaves 404s alone, but never gives up on a service
//! that stays down.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, FACTOR, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut delay = BASE_DELAY;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error) if !error.is_retryable() => return Err(error),
            Err(_) => {
                tokio::time::sleep(delay).await;
                delay *= FACTOR;
            }
        }
    }
}

fn main() {
    run(call_with_retry);
}
