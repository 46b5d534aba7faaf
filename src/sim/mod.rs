//! combell-sim: an in-memory simulator of the Combell API.
