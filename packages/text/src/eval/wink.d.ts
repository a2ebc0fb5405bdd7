// Minimal types of the two CommonJS wink packages BM25 uses (they ship none).
declare module 'wink-bm25-text-search' {
  interface WinkBm25 {
    defineConfig(cfg: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number } }): void;
    definePrepTasks(tasks: ((x: unknown) => unknown)[]): void;
    addDoc(doc: Record<string, string>, id: number): void;
    consolidate(): void;
    search(text: string, limit?: number): [number, number][];
  }
  const bm25: () => WinkBm25;
  export default bm25;
}

declare module 'wink-nlp-utils' {
  const nlp: {
    string: { lowerCase(s: string): string; tokenize0(s: string): string[] };
    tokens: { removeWords(t: string[]): string[]; stem(t: string[]): string[] };
  };
  export default nlp;
}
