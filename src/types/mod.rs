//! The shared vocabulary every layer uses and none owns: messages,
//! generation parameters, usage and finish reasons, secrets, model ids,
//! tool definitions and calls.
//! Nothing here imports another pwb module.

pub mod message;
pub mod model_id;
pub mod params;
pub mod secret;
pub mod tool;
pub mod usage;

pub use message::{Media, Message, Part, Role};
pub use model_id::{ModelId, ModelIdError, ProviderKind};
pub use params::{GenParams, Param, ParamNames};
pub use secret::Secret;
pub use tool::{ToolCall, ToolChoice, ToolDef, ToolRequest, ToolResponse};
pub use usage::{FinishReason, Usage};
