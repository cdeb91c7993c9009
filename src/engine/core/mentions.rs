//! Who a mention in command text names in a workspace: an escaped mention carries the id; a plain
//! `@name` is looked up among the workspace's members, and never invents one. Reading the mention
//! itself is the grammar's (`command::values::parse_mention`).

use crate::command::values::NO_MEMBER;
pub use crate::command::values::{Mention, parse_mention};
use crate::engine::core::errors::EngineError;
use crate::store::{Store, Tx};

/// The member a mention names in this workspace: `Ok(Err(text))` tells the member why not.
pub(crate) async fn member_id(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    text: &str,
) -> Result<Result<String, String>, EngineError> {
    match parse_mention(text, '@') {
        Some(mention) => resolve(tx, tenant_id, &mention).await,
        None => Ok(Err(NO_MEMBER.into())),
    }
}

/// The member an already-read mention names in this workspace: `Ok(Err(text))` tells the member
/// why not (nobody, or several, go by that name).
pub(crate) async fn resolve(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    mention: &Mention,
) -> Result<Result<String, String>, EngineError> {
    Ok(match mention {
        Mention::Id(id) => Ok(id.clone()),
        Mention::Name(name) => {
            let found = Store::members_named(tx, tenant_id, name).await?;
            match found.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(format!(
                    "I don't know anyone called @{name} here. Pick them from the list that opens as you type @, so the app sends who they are."
                )),
                _ => Err(format!(
                    "Several members are called @{name}: pick the one you mean from the list that opens as you type @."
                )),
            }
        }
    })
}
