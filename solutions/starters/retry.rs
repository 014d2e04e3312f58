//! Exercise `retry` — after lesson 06, "Errors, retries, backoff and the circuit breaker".
//!
//! `call_with_retry` calls a flaky service until it answers. After a failure it waits
//! `BASE_DELAY` (1u), and each wait is `FACTOR` (2, also in the kit) times the one before, so
//! attempts start at 0, 1, 3 and 7u. It gives up after `MAX_ATTEMPTS` (4), returning the last
//! error at once, and never retries an error that cannot get better (a 404:
//! `!error.is_retryable()`). It is run against a service that fails 3 times and then answers,
//! one that is down for good, and one that answers 404.
//!
//! Check it: `asyncscope check retry` (or keep `asyncscope watch` running).

use asyncscope::exercise::kits::retry::{
    BASE_DELAY, CallError, MAX_ATTEMPTS, Service, run,
};

async fn call_with_retry(service: Service) -> Result<String, CallError> {
    // TODO: the same wait after every failure, and a 404 is retried like
    // a 503.
    let mut attempt = 1;
    loop {
        match service.call().await {
            Ok(data) => return Ok(data),
            Err(error) if attempt == MAX_ATTEMPTS => return Err(error),
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
