//! Containing the storage engine's panics.
//!
//! sled 0.34 panics on some damaged files (an index out of range, an unexpected page) instead
//! of returning an error. A panic must not cross into the app or end the command line with an
//! "internal error": the store runs sled calls through [`quiet`], which turns a panic into an
//! `None` the store reports as "the database is damaged". While a guarded call runs,
//! [`is_guarded`] is true on that thread, so that a process's panic hook (the CLI's, the
//! app's) can stay silent about a panic that is already handled.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

/// Run `f`; a panic inside it comes back as `None`.
pub fn quiet<T>(f: impl FnOnce() -> T) -> Option<T> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    r.ok()
}

/// Is a guarded call running on this thread (a panic now is contained and reported)?
pub fn is_guarded() -> bool {
    GUARDED.with(|g| g.get() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_the_flag_is_scoped() {
        assert!(!is_guarded());
        assert_eq!(quiet(|| 7), Some(7));
        assert_eq!(quiet(is_guarded), Some(true));
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r: Option<()> = quiet(|| panic!("engine"));
        std::panic::set_hook(prev);
        assert_eq!(r, None);
        assert!(!is_guarded());
    }
}
