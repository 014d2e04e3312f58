//! Reference solution for `retry`.

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, FACTOR, MAX_ATTEMPTS, Service, run,
};
use tokio::time::sleep;

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    let mut delay = BASE_DELAY;
    let mut attempt = 1;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            // A 404 will be a 404 next time too; and after the last
            // attempt, give up at once rather than sleep for nothing.
            Err(error)
                if !error.is_retryable() || attempt == MAX_ATTEMPTS =>
            {
                return Err(error);
            }
            Err(_) => {
                sleep(delay).await;
                delay *= FACTOR;
                attempt += 1;
            }
        }
    }
}

fn main() {
    run(call_with_retry);
}
