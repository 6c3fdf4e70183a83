use std::process::ExitCode;
use std::sync::atomic::Ordering;

fn main() -> ExitCode {
    match commune::cli::main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            if commune::cli::INTERRUPTED.load(Ordering::SeqCst) {
                // The shell's convention for a program stopped by Ctrl-C.
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
