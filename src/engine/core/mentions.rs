//! The member a mention names: reading the mention is the grammar's (`command::values::parse_mention`);
//! a plain `@name` is looked up among the workspace's members here, and never invents an id.

use crate::engine::core::errors::EngineError;
use crate::store::{Store, Tx};

pub use crate::command::values::{Mention, parse_mention};

/// The member a mention names in this workspace: `Ok(Err(text))` tells the member why not.
pub(crate) async fn member_id(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    text: &str,
) -> Result<Result<String, String>, EngineError> {
    Ok(match parse_mention(text, '@') {
        Some(Mention::Id(id)) => Ok(id),
        Some(Mention::Name(name)) => {
            let found = Store::members_named(tx, tenant_id, &name).await?;
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
        None => Err("Who? Mention a member, e.g. @ana.".into()),
    })
}
