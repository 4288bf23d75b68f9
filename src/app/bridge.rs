//! The page side of the engine worker: send a request, get its responses in a callback.
//! Requests wait in an outbox until the worker says it is ready (a message posted while its
//! wasm is still loading would find no handler and be lost). Cancelling terminates the worker
//! (a busy worker cannot read a cancel message) and the next request starts a fresh one.

use super::protocol::{Failure, Request, Response, from_js, to_js};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Trunk's loader shim for the `tierlens-worker` binary, next to index.html.
const WORKER_URL: &str = "./tierlens-worker_loader.js";

type Callback = Box<dyn FnMut(Response, Vec<JsValue>)>;
/// Messages for a worker that is not ready yet; `None` once it is.
type Outbox = Rc<RefCell<Option<Vec<JsValue>>>>;

struct Running {
    worker: Worker,
    /// The message handler must live as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    outbox: Outbox,
}

impl Running {
    fn post(&self, message: JsValue) -> Result<(), String> {
        if let Some(queue) = self.outbox.borrow_mut().as_mut() {
            queue.push(message);
            return Ok(());
        }
        self.worker
            .post_message(&message)
            .map_err(|e| format!("posting to the engine worker failed: {e:?}"))
    }
}

#[derive(Default)]
struct Engine {
    worker: Option<Running>,
    pending: Rc<RefCell<HashMap<u32, Callback>>>,
    next_id: u32,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
}

impl Engine {
    /// The running worker, started when there is none.
    fn worker(&mut self) -> Result<&Running, String> {
        if self.worker.is_none() {
            self.worker = Some(spawn(self.pending.clone())?);
        }
        Ok(self.worker.as_ref().expect("just started"))
    }
}

/// Sends `request` with its `files` (ArrayBuffers); `on_response` sees every progress
/// message and then the final answer with its attachments (a dataset's bytes).
pub fn call(
    request: Request,
    files: &[JsValue],
    on_response: impl FnMut(Response, Vec<JsValue>) + 'static,
) {
    let mut on_response = Some(on_response);
    let sent = ENGINE.with(|engine| {
        let mut engine = engine.borrow_mut();
        engine.next_id += 1;
        let id = engine.next_id;
        engine.worker()?.post(to_js(id, &request, files))?;
        let callback = on_response.take().expect("registered once");
        engine.pending.borrow_mut().insert(id, Box::new(callback));
        Ok(())
    });
    // Outside the borrow: the callback may send the next request.
    if let (Err(message), Some(mut callback)) = (sent, on_response) {
        callback(Response::Failed(Failure::internal(message)), Vec::new());
    }
}

/// Starts the worker now, so that its script and wasm load with the page rather than at
/// the first import.
pub fn warm_up() {
    if let Err(message) = ENGINE.with(|engine| engine.borrow_mut().worker().map(|_| ())) {
        web_sys::console::error_1(&message.into());
    }
}

/// Stops whatever the worker is doing; pending requests end as cancelled.
pub fn cancel() {
    let pending = ENGINE.with(|engine| {
        let mut engine = engine.borrow_mut();
        if let Some(running) = engine.worker.take() {
            running.worker.terminate();
        }
        let drained: Vec<Callback> = engine
            .pending
            .borrow_mut()
            .drain()
            .map(|(_, c)| c)
            .collect();
        drained
    });
    for mut callback in pending {
        let mut failure = Failure::internal(String::new());
        failure.cancelled = true;
        callback(Response::Failed(failure), Vec::new());
    }
}

fn spawn(pending: Rc<RefCell<HashMap<u32, Callback>>>) -> Result<Running, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let worker = Worker::new_with_options(WORKER_URL, &options)
        .map_err(|e| format!("the engine worker could not start: {e:?}"))?;
    let outbox: Outbox = Rc::new(RefCell::new(Some(Vec::new())));
    let (ready_outbox, ready_worker) = (outbox.clone(), worker.clone());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Ok((id, response, attachments)) = from_js::<Response>(&event.data()) else {
            return;
        };
        if matches!(response, Response::Ready) {
            for message in ready_outbox.borrow_mut().take().unwrap_or_default() {
                if let Err(e) = ready_worker.post_message(&message) {
                    web_sys::console::error_1(&e);
                }
            }
            return;
        }
        let done = response.is_final();
        // Take the callback out while it runs: it may send the next request.
        let callback = pending.borrow_mut().remove(&id);
        if let Some(mut callback) = callback {
            callback(response, attachments);
            if !done {
                pending.borrow_mut().insert(id, callback);
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Ok(Running {
        worker,
        _on_message: on_message,
        outbox,
    })
}
