//! Wrong: sleeps after every failure, the last one too, and only then sees
//! that it is out of attempts: the caller waits 8u for nothing.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, FACTOR, MAX_ATTEMPTS, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut delay = BASE_DELAY;
    let mut attempt = 1;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error) if !error.is_retryable() => return Err(error),
            Err(error) => {
                tokio::time::sleep(delay).await;
                delay *= FACTOR;
                if attempt == MAX_ATTEMPTS {
                    return Err(error);
                }
                attempt += 1;
            }
        }
    }
}

fn main() {
    run(call_with_retry);
}
