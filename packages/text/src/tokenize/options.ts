/**
 * I/O policy for tokenizers and pretrained models (the names of transformers.js's `env` fields). The package is
 * local-only by default: nothing is fetched from a model hub unless `allowRemoteModels` is set, so a run never
 * depends on the network (and never silently downloads weights).
 */
export interface ModelIoOptions {
  /**
   * Folder that model ids are resolved against. Default: when a path to a folder is given, its parent folder, so
   * `loadTokenizer('/models/my-bert')` just works; otherwise the current working folder.
   */
  localModelPath?: string;
  /**
   * Allow downloads from the Hugging Face hub (`https://huggingface.co/<id>/resolve/main/…`) when `localModelPath/id`
   * is not a folder. Default `false`.
   */
  allowRemoteModels?: boolean;
}
