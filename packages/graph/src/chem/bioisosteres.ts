/**
 * The curated substitution rules of MoCL's local domain-knowledge augmentation. MoCL ships 230 SMARTS
 * reactions mined from bioisostere tables (`isostere_transformations_new.json`); this is a small,
 * hand-checked subset of classic, textbook bioisosteric replacements (Patani & LaVoie, Chem. Rev. 1996;
 * Meanwell, J. Med. Chem. 2011) plus MoCL's Add-C / Drop-C, each written as an RDKit reaction SMARTS
 * whose mapped atoms keep the rest of the molecule untouched.
 *
 * Every rule has a worked `example`: `input` → a product that must contain `keeps` (the part of the
 * molecule the rule promises not to touch) and `gains` (the new group). The tests run every example
 * through RDKit and check that the product is a valid (sanitisable) molecule with both substructures.
 */
export interface BioisostereRule {
  /** Short id. */
  name: string;
  /** MoCL-style tag (Acid, Ester, Phenyl, Isostere, t-butyl, Add-C, Drop-C). */
  tag: string;
  /** RDKit reaction SMARTS (one reactant template, one product template). */
  smarts: string;
  /** Worked example checked by the tests. */
  example: { input: string; keeps: string; gains: string };
}

export const BIOISOSTERE_RULES: readonly BioisostereRule[] = [
  {
    name: 'acid-to-tetrazole',
    tag: 'Acid',
    smarts: '[CX3:1](=[OX1])[OX2H1]>>[C:1]1=NN=N[NH]1',
    example: { input: 'OC(=O)c1ccc(Cl)cc1', keeps: 'Clc1ccccc1', gains: 'c1nnn[nH]1' },
  },
  {
    name: 'acid-to-acylsulfonamide',
    tag: 'Acid',
    smarts: '[CX3:1](=[OX1:2])[OX2H1]>>[C:1](=[O:2])NS(=O)(=O)C',
    example: { input: 'OC(=O)CCc1ccccc1', keeps: 'c1ccccc1CC', gains: 'C(=O)NS(=O)(=O)C' },
  },
  {
    name: 'acid-to-hydroxamic-acid',
    tag: 'Acid',
    smarts: '[CX3:1](=[OX1:2])[OX2H1]>>[C:1](=[O:2])NO',
    example: { input: 'OC(=O)c1ccncc1', keeps: 'c1ccncc1', gains: 'C(=O)NO' },
  },
  {
    name: 'ester-to-amide',
    tag: 'Ester',
    smarts: '[CX3:1](=[OX1:2])[OX2;H0][#6:3]>>[C:1](=[O:2])[NH][#6:3]',
    example: { input: 'CCOC(=O)c1ccccc1', keeps: 'c1ccccc1C(=O)', gains: 'C(=O)NCC' },
  },
  {
    name: 'phenyl-to-thienyl',
    tag: 'Phenyl',
    smarts: '[*:1]-!@[c;R1]1[cH][cH][cH][cH][cH]1>>[*:1]-c1cccs1',
    example: { input: 'CC(=O)Nc1ccccc1', keeps: 'CC(=O)N', gains: 'c1ccsc1' },
  },
  {
    name: 'phenyl-to-pyridyl',
    tag: 'Phenyl',
    smarts: '[*:1]-!@[c;R1]1[cH][cH][cH][cH][cH]1>>[*:1]-c1ccncc1',
    example: { input: 'OCc1ccccc1', keeps: 'OC', gains: 'c1ccncc1' },
  },
  {
    name: 'aryl-Cl-to-CF3',
    tag: 'Isostere',
    smarts: '[c:1]-[Cl]>>[c:1]-C(F)(F)F',
    example: { input: 'Clc1ccc(O)cc1', keeps: 'Oc1ccccc1', gains: 'C(F)(F)F' },
  },
  {
    name: 'aryl-Cl-to-Br',
    tag: 'Isostere',
    smarts: '[c:1]-[Cl]>>[c:1]-Br',
    example: { input: 'Clc1ccc(N)cc1', keeps: 'Nc1ccccc1', gains: 'Brc' },
  },
  {
    name: 'aryl-H-to-F',
    tag: 'Isostere',
    smarts: '[cH:1]>>[c:1]F',
    example: { input: 'c1ccc2ccccc2c1', keeps: 'c1ccc2ccccc2c1', gains: 'cF' },
  },
  {
    name: 'aryl-OH-to-NH2',
    tag: 'Isostere',
    smarts: '[c:1]-[OX2H1]>>[c:1]-[NH2]',
    example: { input: 'Oc1ccc(C)cc1', keeps: 'Cc1ccccc1', gains: '[NH2]c' },
  },
  {
    name: 'ether-O-to-S',
    tag: 'Isostere',
    smarts: '[#6;!$(C=[O,S,N]):1]-[OX2;!R]-[#6;!$(C=[O,S,N]):2]>>[#6:1]-S-[#6:2]',
    example: { input: 'COc1ccc(C#N)cc1', keeps: 'N#Cc1ccccc1', gains: 'CSc' },
  },
  {
    name: 'ether-O-to-CH2',
    tag: 'Isostere',
    smarts: '[#6;!$(C=[O,S,N]):1]-[OX2;!R]-[#6;!$(C=[O,S,N]):2]>>[#6:1]-[CH2]-[#6:2]',
    example: { input: 'c1ccccc1Oc1ccncc1', keeps: 'c1ccncc1', gains: 'c[CH2]c' },
  },
  {
    name: 'aryl-CH3-to-Cl',
    tag: 'Isostere',
    smarts: '[c:1]-[CH3]>>[c:1]-Cl',
    example: { input: 'Cc1ccc(S(N)(=O)=O)cc1', keeps: 'NS(=O)(=O)c1ccccc1', gains: 'Clc' },
  },
  {
    name: 'tert-butyl-to-CF3',
    tag: 't-butyl',
    smarts: '[#6:1]-[CX4H0]([CH3])([CH3])[CH3]>>[#6:1]-C(F)(F)F',
    example: { input: 'CC(C)(C)c1ccc(O)cc1', keeps: 'Oc1ccccc1', gains: 'cC(F)(F)F' },
  },
  {
    name: 'add-methyl',
    tag: 'Add-C',
    smarts: '[cH:1]>>[c:1]-[CH3]',
    example: { input: 'Nc1ccncc1', keeps: 'Nc1ccncc1', gains: '[CH3]c' },
  },
  {
    name: 'drop-methyl',
    tag: 'Drop-C',
    smarts: '[c:1]-[CH3]>>[cH1:1]',
    example: { input: 'Cc1ccc(Br)cc1', keeps: 'Brc1ccccc1', gains: 'c1ccccc1' },
  },
];
