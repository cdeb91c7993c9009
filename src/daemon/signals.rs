//! Signals: SIGHUP reloads the lessons, SIGINT/SIGTERM stop; a stuck reload never delays a stop.

use super::{Daemon, DaemonError};
use crate::content::Problems;

/// What the daemon is asked to do from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Reload,
    Stop,
}

/// Serves signals until a stop (or until no sender is left): a reload runs beside the loop, so a stop
/// is honoured even while a reload is stuck on the disk; reload requests during a reload are folded
/// into one more reload after it.
pub async fn serve_signals<F>(
    signals: &mut tokio::sync::mpsc::Receiver<Signal>,
    mut reload: impl FnMut() -> F,
) where
    F: std::future::Future<Output = Problems>,
{
    let mut running: Option<std::pin::Pin<Box<F>>> = None;
    let mut again = false;
    loop {
        tokio::select! {
            signal = signals.recv() => match signal {
                None | Some(Signal::Stop) => return,
                Some(Signal::Reload) if running.is_some() => again = true,
                Some(Signal::Reload) => running = Some(Box::pin(reload())),
            },
            _ = async { if let Some(r) = running.as_mut() { r.await; } }, if running.is_some() => {
                running = again.then(|| Box::pin(reload()));
                again = false;
            }
        }
    }
}

#[cfg(unix)]
pub(super) async fn wait_for_signals(daemon: &Daemon) -> Result<(), DaemonError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangup = signal(SignalKind::hangup()).map_err(DaemonError::Signals)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(DaemonError::Signals)?;
    let (send, mut signals) = tokio::sync::mpsc::channel(4);
    let forward = tokio::spawn(async move {
        loop {
            let signal = tokio::select! {
                _ = hangup.recv() => Signal::Reload,
                _ = terminate.recv() => Signal::Stop,
                r = tokio::signal::ctrl_c() => {
                    if let Err(e) = r {
                        tracing::error!(error = %e, "cannot listen for Ctrl-C");
                    }
                    Signal::Stop
                }
            };
            if send.send(signal).await.is_err() || signal == Signal::Stop {
                return;
            }
        }
    });
    serve_signals(&mut signals, || daemon.reload_lessons()).await;
    forward.abort();
    Ok(())
}

#[cfg(not(unix))]
pub(super) async fn wait_for_signals(_daemon: &Daemon) -> Result<(), DaemonError> {
    tokio::signal::ctrl_c().await.map_err(DaemonError::Signals)
}
