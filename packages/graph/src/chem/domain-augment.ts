import type { Rng } from '@contrastive/core';
import type { BioisostereRule } from './bioisosteres.js';
import { BIOISOSTERE_RULES } from './bioisosteres.js';
import { canonicalSmiles } from './featurize.js';
import type { RDKit } from './rdkit.js';

/** Valid products of one rule on one molecule (canonical SMILES, deduplicated, sanitised). */
export function applyRule(rdkit: RDKit, rule: BioisostereRule, smiles: string, maxProducts = 20): string[] {
  const rxn = rdkit.get_rxn(rule.smarts);
  if (!rxn) throw new RangeError(`bioisostere rule '${rule.name}': RDKit cannot parse reaction SMARTS '${rule.smarts}'`);
  const mol = rdkit.get_mol(smiles);
  if (!mol) {
    rxn.delete();
    throw new RangeError(`cannot parse SMILES '${smiles}'`);
  }
  const list = new rdkit.MolList();
  const out = new Set<string>();
  try {
    list.append(mol);
    const products = rxn.run_reactants(list, maxProducts);
    for (let i = 0; i < products.size(); i++) {
      const set = products.get(i);
      if (!set) continue;
      for (let k = 0; k < set.size(); k++) {
        const p = set.at(k);
        if (!p) continue;
        // Products come back unsanitised: round-trip through SMILES so only sanitisable molecules pass.
        let raw = '';
        try {
          raw = p.get_smiles();
        } catch {
          raw = '';
        }
        p.delete();
        const canon = raw ? canonicalSmiles(rdkit, raw) : null;
        if (canon) out.add(canon);
      }
      set.delete();
    }
    products.delete();
  } finally {
    list.delete();
    mol.delete();
    rxn.delete();
  }
  return [...out];
}

/**
 * MoCL's local domain-knowledge augmentation DK_k (Sun et al., KDD 2021, `loader.py` `domain_aug`):
 * repeat k times — pick a random rule that applies to the current molecule, run it, take a random valid
 * product. A molecule no rule applies to is returned unchanged. Products per (molecule, rule) are cached,
 * so after the first epoch an augmentation is a lookup.
 */
export class DomainAugmenter {
  private readonly cache = new Map<string, string[][]>();
  constructor(
    private readonly rdkit: RDKit,
    readonly rules: readonly BioisostereRule[] = BIOISOSTERE_RULES,
  ) {}

  /** Products of every rule for `smiles` (index = rule index; empty list = rule does not apply). */
  products(smiles: string): string[][] {
    let p = this.cache.get(smiles);
    if (!p) {
      p = this.rules.map((r) => applyRule(this.rdkit, r, smiles));
      this.cache.set(smiles, p);
    }
    return p;
  }

  /** MoCL's `rule_indicator` row: number of products per rule (0 = the rule does not fire). */
  ruleIndicator(smiles: string): number[] {
    return this.products(smiles).map((l) => l.length);
  }

  /** DK_k: `k` successive random substitutions (default k = 1, MoCL's DK1). */
  augment(smiles: string, rng: Rng, k = 1): string {
    let cur = smiles;
    for (let step = 0; step < k; step++) {
      const prods = this.products(cur);
      const applicable = prods.map((l, i) => (l.length > 0 ? i : -1)).filter((i) => i >= 0);
      if (applicable.length === 0) return cur;
      const list = prods[applicable[rng.int(applicable.length)]!]!;
      cur = list[rng.int(list.length)]!;
    }
    return cur;
  }
}
