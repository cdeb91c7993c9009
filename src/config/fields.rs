//! The config file's sections and their keys, read from the `Config` struct's own serde
//! description, so the environment mapping can never fall behind a new section or key.

use serde::Deserialize;
use serde::de::value::{Error, StrDeserializer};
use serde::de::{self, DeserializeSeed, Error as _, IntoDeserializer, MapAccess, Visitor};

/// What a top-level name of the config file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    /// `[name]`: a table with these keys.
    Table(Vec<&'static str>),
    /// `[[name]]`: an array of tables (declared only in the file).
    Array,
}

/// Every top-level name of `T` (a struct) with what it holds, in declaration order.
pub fn sections<T: for<'de> Deserialize<'de>>() -> Vec<(&'static str, Section)> {
    let mut top = Probe::default();
    let _ = T::deserialize(&mut top);
    top.fields
        .into_iter()
        .map(|name| {
            // One pass per section: the probe stops at the section it describes.
            let mut probe = Probe {
                only: Some(name),
                ..Probe::default()
            };
            let _ = T::deserialize(&mut probe);
            (name, probe.inner.unwrap_or(Section::Table(Vec::new())))
        })
        .collect()
}

/// A deserializer that answers nothing but records the shape asked of it.
#[derive(Default)]
struct Probe {
    /// The struct's field names, as `deserialize_struct` announces them.
    fields: Vec<&'static str>,
    /// The one top-level field to offer, whose value is described into `inner`.
    only: Option<&'static str>,
    inner: Option<Section>,
}

impl<'de> de::Deserializer<'de> for &mut Probe {
    type Error = Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.fields = fields.to_vec();
        match self.only {
            Some(name) => visitor.visit_map(OneField {
                name: Some(name),
                inner: &mut self.inner,
            }),
            None => Err(Error::custom("probed")),
        }
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::custom("the config is not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A map with one key, whose value describes itself into `inner` and then stops the probe.
struct OneField<'a> {
    name: Option<&'static str>,
    inner: &'a mut Option<Section>,
}

impl<'de> MapAccess<'de> for OneField<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.name.take() {
            Some(name) => {
                let key: StrDeserializer<'_, Error> = name.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(Value {
            inner: &mut *self.inner,
        })
    }
}

/// A section's value: records whether it is a table (with its keys) or an array of tables.
struct Value<'a> {
    inner: &'a mut Option<Section>,
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        *self.inner = Some(Section::Table(fields.to_vec()));
        Err(Error::custom("probed"))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        *self.inner = Some(Section::Array);
        Err(Error::custom("probed"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::custom("probed"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_of_the_config_is_found_with_its_keys() {
        let sections = sections::<super::super::Config>();
        let names: Vec<&str> = sections.iter().map(|(n, _)| *n).collect();
        for expected in [
            "database",
            "campaigns",
            "recognition",
            "communities",
            "xapi",
        ] {
            assert!(names.contains(&expected), "{names:?}");
        }
        let table = |name: &str| {
            sections
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s.clone())
        };
        assert_eq!(
            table("database"),
            Some(Section::Table(vec!["url", "durability"]))
        );
        assert_eq!(table("campaign"), Some(Section::Array));
        assert_eq!(table("badge"), Some(Section::Array));
        match table("recognition") {
            Some(Section::Table(keys)) => assert!(keys.contains(&"time_zone"), "{keys:?}"),
            other => panic!("{other:?}"),
        }
    }
}
