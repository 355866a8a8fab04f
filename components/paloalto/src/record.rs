//! A PAN-OS log as named values, whichever way it came (CSV positions or LEEF keys).

use std::borrow::Cow;

use crate::csv;
use crate::layout::{self, Kind};

/// Named values of one log, in the order they came. Names are the CSV field names of
/// [`crate::layout`] (LEEF keys are translated to them by [`crate::leef`]); unnamed LEEF keys
/// keep their own name.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) pairs: Vec<(Cow<'static, str>, String)>,
}

impl Record {
    /// The value of `name`, if present: not empty, not `-`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, v)| n == name && !v.is_empty() && v != "-")
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn kind(&self) -> Kind {
        Kind::of(self.get("type").unwrap_or_default())
    }

    /// Names the fields of a CSV log by their position; unnamed positions are left out.
    pub(crate) fn from_csv(payload: &str) -> Record {
        let values = csv::split(payload);
        let kind = Kind::of(values.get(3).map(String::as_str).unwrap_or_default());
        let details = kind == Kind::Config && layout::has_config_details(&values);
        let pairs = values
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let name = layout::name(kind, i, details)?;
                (name != "future_use").then_some((Cow::Borrowed(name), v))
            })
            .collect();
        Record { pairs }
    }
}
