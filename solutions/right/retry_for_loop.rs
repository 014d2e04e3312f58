//! A correct alternative for `retry`: a `for` loop over the attempts, each delay computed
//! from the attempt's number.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, FACTOR, MAX_ATTEMPTS, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut last = None;
    for attempt in 1..=MAX_ATTEMPTS {
        if attempt > 1 {
            tokio::time::sleep(BASE_DELAY * FACTOR.pow(attempt - 2)).await;
        }
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error) if !error.is_retryable() => return Err(error),
            Err(error) => last = Some(error),
        }
    }
    Err(last.expect("MAX_ATTEMPTS is at least 1"))
}

fn main() {
    run(call_with_retry);
}
