//! Who a mention in a command names: an id as given, or a plain `@name` looked up among the
//! workspace's members (a lookup never invents one). Reading the mention is the grammar's
//! (`command::values::parse_mention`).

pub use crate::command::values::{Mention, parse_mention};
use crate::engine::core::errors::EngineError;
use crate::store::{Store, Tx};

/// The member's platform id a mention stands for in this workspace: `Ok(Err(text))` tells the
/// member why there is none (nobody or several have that name).
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
