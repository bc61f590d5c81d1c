use std::io::{ErrorKind, Write};

use clap::Parser;

use dealer_portal::cli::{Cli, Command};
use dealer_portal::config::Config;
use dealer_portal::startup::Application;
use dealer_portal::{commands, openapi, telemetry};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => print_out(openapi::document_json()),
        Command::Migrate => {
            telemetry::init();
            commands::migrate()
        }
        Command::CreateAdmin {
            email,
            display_name,
            promote,
            ..
        } => {
            telemetry::init();
            commands::create_admin(&email, &display_name, promote)
        }
        Command::Serve => {
            telemetry::init();
            actix_web::rt::System::new().block_on(async {
                let config = Config::from_env()?;
                Application::build(config).await?.run_until_stopped().await
            })
        }
    }
}

/// Writes `text` to standard output. A reader that stops early and closes the pipe
/// (`dealer-portal openapi | head`) has what it wanted: that is no error.
fn print_out(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        written => Ok(written?),
    }
}
