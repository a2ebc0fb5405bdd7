// @contrastive/multimodal public API (browser-safe: no `node:` module is reachable from here). Towers are injected
// through core's `Encoder` interface; the image and text packages are never imported at the root.
export {};
