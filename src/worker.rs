//! Web Worker entry point: the engine off the page's thread (see `app::worker`).

fn main() {
    console_error_panic_hook::set_once();
    tierlens::app::worker::serve();
}
