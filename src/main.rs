//! The `handoff` binary: parse arguments, run, turn errors into messages and exit codes.

use std::io::IsTerminal;

/// Polars allocates and frees many short-lived buffers; mimalloc reuses them
/// instead of returning pages to the kernel (measured in the README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::Parser;
use handoff::cli::{Cli, Command};
use handoff::format::{to_stderr, to_stdout};
use handoff::report::OutputDir;
use handoff::{HandoffError, pipeline, sample, summary};

/// Prints a run's text on standard output (see [`to_stdout`]).
fn emit(text: &str) -> Result<(), HandoffError> {
    to_stdout(text).map_err(|source| HandoffError::Output {
        path: "standard output".into(),
        source,
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if let Err(err) = e.print()
                && err.kind() != std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::from(handoff::error::exit::OUTPUT as u8);
            }
            return ExitCode::from(if e.use_stderr() {
                handoff::error::exit::USAGE as u8
            } else {
                0
            });
        }
    };
    // Query planning recurses on the calling thread: give it room.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(cli));
    match worker.map(|w| w.join()) {
        Ok(Ok(Ok(()))) => ExitCode::SUCCESS,
        Ok(Ok(Err(e))) => {
            to_stderr(&format!("error: {e:#}\n"));
            ExitCode::from(e.exit_code() as u8)
        }
        _ => {
            to_stderr(
                "error: handoff stopped unexpectedly (see the message above). This is a bug; please report it with the command you ran\n",
            );
            ExitCode::from(handoff::error::exit::INTERNAL as u8)
        }
    }
}

fn run(cli: Cli) -> Result<(), HandoffError> {
    match cli.command {
        Command::Ledger(args) => {
            let show_timings = args.timings;
            let job = args.into_job()?;
            let _out = OutputDir::open(&job.out)?;
            let mut timings = pipeline::Timings::begin(std::io::stderr().is_terminal());
            let ledger = pipeline::build(&job, &mut timings)?;
            timings.starting("writing outputs");
            let written = pipeline::write(&ledger, &job)?;
            timings.mark("write");
            if show_timings {
                to_stderr(&timings.report());
            }
            emit(&summary::ledger_summary(
                &ledger,
                &written,
                job.config.calendar.time_zone.0,
            ))
        }
        Command::Scorecard(args) => {
            let show_timings = args.timings;
            let job = args.into_job()?;
            let _out = OutputDir::open(&job.out)?;
            let mut timings = pipeline::Timings::begin(std::io::stderr().is_terminal());
            let ledger = pipeline::build(&job, &mut timings)?;
            let (metrics, written) = pipeline::scorecard_outputs(&ledger, &job, &mut timings)?;
            if show_timings {
                to_stderr(&timings.report());
            }
            emit(&summary::scorecard_summary(
                &ledger,
                &metrics,
                &written,
                job.config.calendar.time_zone.0,
            ))
        }
        Command::Presets => emit(&handoff::load::presets::markdown()),
        Command::Inspect(args) => {
            let job = args.into_job()?;
            let reports = handoff::inspect::inspect(&job);
            let text: String = reports.iter().map(|r| r.text.as_str()).collect();
            emit(&text)?;
            match reports.iter().filter(|r| !r.ok).count() {
                0 => Ok(()),
                n => Err(HandoffError::Input {
                    file: format!("{n} of {} file(s)", reports.len()),
                    message: "could not be read; see above".into(),
                }),
            }
        }
        Command::Sample(args) => {
            let _out = OutputDir::open(&args.out)?;
            let written = sample::write(&args)?;
            let mut text = format!(
                "wrote a sample of {} leads (seed {}):\n",
                args.leads, args.seed
            );
            for p in written {
                text += &format!("  {}\n", p.display());
            }
            emit(&text)
        }
    }
}
