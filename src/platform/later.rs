//! A value that arrives later, awaited by someone else: the comment section's
//! first page, fetched by the main part while the section's own code is still
//! downloading, and handed to it when it is ready.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

enum Slot<T> {
    Waiting(Option<Waker>),
    Ready(T),
    Taken,
}

/// Cloning gives another handle to the same value; the first [`Later::take`] gets it.
pub struct Later<T>(Rc<RefCell<Slot<T>>>);

impl<T> Clone for Later<T> {
    fn clone(&self) -> Self {
        Later(Rc::clone(&self.0))
    }
}

impl<T: 'static> Later<T> {
    /// Runs `work` now (on the browser's event loop) and keeps its result.
    pub fn spawn(work: impl Future<Output = T> + 'static) -> Later<T> {
        let later = Later(Rc::new(RefCell::new(Slot::Waiting(None))));
        let fill = later.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let value = work.await;
            fill.fill(value);
        });
        later
    }

    fn fill(&self, value: T) {
        // The waker is taken out first: waking must not happen while borrowed.
        let waker = match self.0.try_borrow_mut() {
            Ok(mut slot) => match std::mem::replace(&mut *slot, Slot::Ready(value)) {
                Slot::Waiting(waker) => waker,
                _ => None,
            },
            Err(_) => None,
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// The value once it is there; `None` if another handle took it already.
    pub fn take(&self) -> Take<T> {
        Take(self.clone())
    }
}

pub struct Take<T>(Later<T>);

impl<T> Future for Take<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let Ok(mut slot) = self.0 .0.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Ready(value) => Poll::Ready(Some(value)),
            Slot::Taken => Poll::Ready(None),
            Slot::Waiting(_) => {
                *slot = Slot::Waiting(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}
