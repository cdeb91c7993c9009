//! Runs the lessons feature's commands.

use crate::chat::Reply;
use crate::command::LessonCommand;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: LessonCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        LessonCommand::Learn(target) => super::learn::learn(ctx, target).await,
        LessonCommand::Progress => super::learn::progress(ctx).await,
        LessonCommand::Courses => say(super::learn::courses(&ctx.catalog)),
        LessonCommand::NeedsHelp { course } => super::diagnostics::needs_help(ctx, &course).await,
    }
}
