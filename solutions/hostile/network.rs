//! Hostile: reaches for the network (a connection through the loopback interface to its own
//! listener, a connection out), prints what it got, and exits with code 10.

use std::time::Duration;

fn main() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0");
    let loopback = listener
        .as_ref()
        .map_err(|e| std::io::Error::new(e.kind(), e.to_string()))
        .and_then(|l| l.local_addr())
        .and_then(|at| {
            std::net::TcpStream::connect_timeout(
                &at,
                Duration::from_secs(1),
            )
        });
    match loopback {
        Ok(_) => println!("loopback: ok"),
        Err(e) => println!("loopback: {e}"),
    }
    let out = "1.1.1.1:80".parse().unwrap();
    match std::net::TcpStream::connect_timeout(&out, Duration::from_secs(1))
    {
        Ok(_) => println!("connect: ok"),
        Err(e) => println!("connect: {e}"),
    }
    std::process::exit(10);
}
