//! The reader's text-size preference: a small fixed ladder of steps, so that A− and A+
//! always land on sizes the design was checked at, and so a stored value from an
//! older release that is not on the ladder is ignored rather than trusted.
//!
//! One preference per page: [`current`], [`set`] and [`subscribe`] keep every widget
//! on it in step (the article's controls, a render-mode article, comment sections).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::platform::storage;

/// Steps in per-mille of the site's own size (87.5 % … 150 %).
pub const STEPS: [u16; 6] = [875, 1000, 1125, 1250, 1375, 1500];
const DEFAULT_INDEX: usize = 1;

/// Storage key; one value per site (origin), shared by every article on it.
pub const STORAGE_KEY: &str = "ykien:font-scale";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FontScale {
    index: usize,
}

impl Default for FontScale {
    fn default() -> Self {
        FontScale {
            index: DEFAULT_INDEX,
        }
    }
}

impl FontScale {
    /// Restores a stored preference; anything that is not exactly a step is `None`.
    pub fn from_stored(raw: &str) -> Option<FontScale> {
        let value: u16 = raw.trim().parse().ok()?;
        STEPS
            .iter()
            .position(|&s| s == value)
            .map(|index| FontScale { index })
    }

    pub fn to_stored(self) -> String {
        self.permille().to_string()
    }

    pub fn permille(self) -> u16 {
        STEPS.get(self.index).copied().unwrap_or(1000)
    }

    pub fn factor(self) -> f64 {
        f64::from(self.permille()) / 1000.0
    }

    /// Index into [`STEPS`]; used for CSS class names.
    pub fn index(self) -> usize {
        self.index
    }

    pub fn is_default(self) -> bool {
        self.index == DEFAULT_INDEX
    }

    pub fn can_decrease(self) -> bool {
        self.index > 0
    }

    pub fn can_increase(self) -> bool {
        self.index + 1 < STEPS.len()
    }

    pub fn decreased(self) -> FontScale {
        FontScale {
            index: self.index.saturating_sub(1),
        }
    }

    pub fn increased(self) -> FontScale {
        FontScale {
            index: (self.index + 1).min(STEPS.len() - 1),
        }
    }
}

type Listener = Rc<dyn Fn(FontScale)>;

thread_local! {
    static LISTENERS: RefCell<Vec<(u32, Listener)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// The remembered size (the site's own when nothing valid is stored).
pub fn current() -> FontScale {
    storage::get(STORAGE_KEY)
        .and_then(|raw| FontScale::from_stored(&raw))
        .unwrap_or_default()
}

/// Remembers `scale` for the site and tells every widget on the page. Storage may
/// be unavailable; the size still applies to this page view.
pub fn set(scale: FontScale) {
    if scale.is_default() {
        storage::remove(STORAGE_KEY);
    } else {
        storage::set(STORAGE_KEY, &scale.to_stored());
    }
    // Copied out first: a listener may subscribe or unsubscribe while it runs.
    let listeners: Vec<Listener> = LISTENERS.with(|l| {
        l.try_borrow()
            .map(|l| l.iter().map(|(_, f)| Rc::clone(f)).collect())
            .unwrap_or_default()
    });
    for f in listeners {
        f(scale);
    }
}

/// Calls `f` on every change until the returned value is dropped.
pub fn subscribe(f: impl Fn(FontScale) + 'static) -> Subscription {
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    LISTENERS.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.push((id, Rc::new(f)));
        }
    });
    Subscription(id)
}

/// Unsubscribes when dropped.
pub struct Subscription(u32);

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.0;
        LISTENERS.with(|l| {
            if let Ok(mut l) = l.try_borrow_mut() {
                l.retain(|(i, _)| *i != id);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_sites_own_size() {
        assert_eq!(FontScale::default().permille(), 1000);
        assert!(FontScale::default().is_default());
    }

    #[test]
    fn steps_stop_at_the_bounds() {
        let mut s = FontScale::default();
        for _ in 0..20 {
            s = s.increased();
        }
        assert_eq!(s.permille(), 1500);
        assert!(!s.can_increase());
        assert!(s.can_decrease());
        for _ in 0..20 {
            s = s.decreased();
        }
        assert_eq!(s.permille(), 875);
        assert!(!s.can_decrease());
    }

    #[test]
    fn at_least_five_steps_from_87_5_to_150_percent() {
        assert!(STEPS.len() >= 5);
        assert_eq!(STEPS.first(), Some(&875));
        assert_eq!(STEPS.last(), Some(&1500));
        assert!(STEPS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stored_values_round_trip_and_junk_is_ignored() {
        let s = FontScale::default().increased().increased();
        assert_eq!(FontScale::from_stored(&s.to_stored()), Some(s));
        for junk in ["", "abc", "1001", "-1", "99999999999", "1.25", "NaN"] {
            assert_eq!(FontScale::from_stored(junk), None, "{junk:?}");
        }
    }
}
