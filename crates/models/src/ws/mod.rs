//! Push types of the WebSocket channels that have no REST twin. Work in progress.
