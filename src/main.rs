use std::process::ExitCode;

fn main() -> ExitCode {
    match commune::cli::main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
