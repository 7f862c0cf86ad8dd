//! `localStorage` that never throws. Private browsing, disabled cookies and full
//! quotas all make storage fail; a preference that cannot be saved is still applied
//! for this page view, it is just not remembered.

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Returns whether the value was stored.
pub fn set(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(key: &str) {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(key);
    }
}
