/**
 * I/O policy for tokenizers and pretrained models, mirroring transformers.js's `env` object. The package
 * is local-only by default: nothing is fetched from a model hub unless `allowRemoteModels` is set, so a
 * run never depends on the network (and never silently downloads weights).
 */
export interface ModelIoOptions {
  /**
   * Folder that model ids are resolved against (transformers.js `env.localModelPath`). Default: when a
   * path to a folder is given, its parent folder, so `loadTokenizer('/models/my-bert')` just works.
   */
  localModelPath?: string;
  /** Allow transformers.js to download from a remote hub (`env.allowRemoteModels`). Default `false`. */
  allowRemoteModels?: boolean;
}
