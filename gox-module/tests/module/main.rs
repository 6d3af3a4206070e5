//! Tests of gox.mod, gox.lock, the module closure and import resolution,
//! all on `MemoryFs` (except the atomic write, which needs a real directory).

mod closure;
mod lockfile;
mod modfile;
mod resolve;
