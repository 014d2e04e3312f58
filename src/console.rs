//! tokio-console alongside asyncscope (`--console`): console-subscriber's layer is installed
//! beside the recorder, and its server runs on a thread of its own (its tasks are on a runtime
//! the recorder is not attached to, so they stay out of asyncscope's trace).

use crate::trace::recorder;

/// Where a tokio-console can connect.
#[derive(Clone, Debug)]
pub struct ConsoleInfo {
    pub address: String,
}

/// Install the recorder with console-subscriber beside it and start the console server.
/// `None` when a recorder was installed already (without the console).
pub fn install() -> Option<ConsoleInfo> {
    let (console_layer, server) =
        console_subscriber::ConsoleLayer::builder()
            .with_default_env()
            .build();
    if !recorder::install_beside(console_layer) {
        return None;
    }
    std::thread::Builder::new()
        .name("console-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("console server runtime");
            let _ = rt.block_on(server.serve());
        })
        .ok()?;
    Some(ConsoleInfo {
        address: server_address(),
    })
}

/// Can console-subscriber's server bind its address? It swallows its own bind error, so a
/// busy port would otherwise be announced as ready. (Checked just before installing: another
/// program could still take the port in between.)
pub fn address_free() -> Result<String, String> {
    let address = server_address();
    match std::net::TcpListener::bind(&address) {
        Ok(_) => Ok(address),
        Err(e) => Err(format!(
            "tokio-console's address {address} cannot be used ({e}): stop what holds it, or \
             choose another with TOKIO_CONSOLE_BIND=127.0.0.1:6670"
        )),
    }
}

fn server_address() -> String {
    // console-subscriber reads the same variable; its default is 127.0.0.1:6669.
    std::env::var("TOKIO_CONSOLE_BIND")
        .unwrap_or_else(|_| "127.0.0.1:6669".to_string())
}
