/**
 * A hand-made WordNet in the database format (`wndb(5WN)`), small enough to reason about in a test: fruit, colours,
 * a tiger that is first a person, an only-child penguin, herons with a compound lemma, a bear that is mostly a
 * verb, "in" as a noun, "red" that is also a river (an instance), and adjectives with direct antonyms and a colour satellite.
 */
import type { WordNetLexiconFiles } from '../wordnet-lexicon.js';

type Ptr = [symbol: string, target: number, pos: 'n' | 'a', sourceTarget?: string];

const off = (o: number) => String(o).padStart(8, '0');

function synset(offset: number, lexFile: number, type: string, words: string[], pointers: Ptr[], gloss: string): string {
  const w = words.map((x) => `${x} 0`).join(' ');
  const p = pointers.map(([s, t, pos, st = '0000']) => `${s} ${off(t)} ${pos} ${st}`).join(' ');
  return `${off(offset)} ${String(lexFile).padStart(2, '0')} ${type} ${words.length.toString(16).padStart(2, '0')} ${w} ${String(pointers.length).padStart(3, '0')}${p ? ` ${p}` : ''} | ${gloss}  `;
}

function index(lemma: string, pos: 'n' | 'a' | 'v', offsets: number[]): string {
  return `${lemma} ${pos} ${offsets.length} 1 @ ${offsets.length} 0 ${offsets.map(off).join(' ')}  `;
}

export const N = {
  fruit: 1000,
  apple: 1100,
  pear: 1200,
  banana: 1300,
  grannySmith: 1400,
  offensive: 1500,
  colour: 2000,
  red: 2100,
  blue: 2200,
  green: 2300,
  person: 3000,
  tigerPerson: 3100,
  daredevil: 3150,
  bigCat: 3300,
  tiger: 3200,
  lion: 3400,
  seabird: 4100,
  sphenisciform: 4000,
  penguin: 4200,
  pelecaniform: 4300,
  pelican: 4400,
  gannet: 4500,
  wader: 5100,
  heron: 5000,
  greatBlueHeron: 5200,
  littleBlueHeron: 5300,
  egret: 5400,
  carnivore: 6100,
  bear: 6000,
  wolf: 6200,
  linearUnit: 7000,
  inch: 7100,
  foot: 7200,
  river: 7300,
  redRiver: 7400,
} as const;

const A = { happy: 10000, unhappy: 10100, blue: 10200, chromatic: 10300, achromatic: 10400, small: 10500, large: 10600 } as const;

const hypo = (...ts: number[]): Ptr[] => ts.map((t) => ['~', t, 'n']);
const hyper = (t: number): Ptr => ['@', t, 'n'];

const NOUN_DATA = [
  '  1 This software and database is being provided … (licence header: lines start with spaces)',
  synset(
    N.fruit,
    13,
    'n',
    ['edible_fruit'],
    hypo(N.apple, N.pear, N.banana, N.grannySmith, N.offensive),
    'edible reproductive body of a seed plant',
  ),
  synset(N.apple, 13, 'n', ['apple'], [hyper(N.fruit)], 'fruit with red or yellow or green skin; "an apple a day"'),
  synset(N.pear, 13, 'n', ['pear'], [hyper(N.fruit)], 'sweet juicy gritty-textured fruit'),
  synset(N.banana, 13, 'n', ['banana'], [hyper(N.fruit)], 'elongated crescent-shaped yellow fruit'),
  synset(N.grannySmith, 13, 'n', ['Granny_Smith'], [hyper(N.fruit)], 'apple with a green skin'),
  synset(N.offensive, 13, 'n', ['yuckfruit'], [hyper(N.fruit)], '(ethnic slur) offensive term for a fruit'),
  synset(N.colour, 7, 'n', ['chromatic_color', 'chromatic_colour'], hypo(N.red, N.blue, N.green), 'a color that has hue'),
  synset(N.red, 7, 'n', ['red', 'redness'], [hyper(N.colour)], 'red color or pigment'),
  synset(N.blue, 7, 'n', ['blue', 'blueness'], [hyper(N.colour)], 'the color of the clear sky'),
  synset(N.green, 7, 'n', ['green', 'greenness', 'viridity'], [hyper(N.colour)], 'green color or pigment'),
  synset(N.person, 3, 'n', ['person'], hypo(N.tigerPerson, N.daredevil), 'a human being'),
  synset(N.tigerPerson, 18, 'n', ['tiger'], [hyper(N.person)], 'a fierce or audacious person'),
  synset(N.daredevil, 18, 'n', ['daredevil'], [hyper(N.person)], 'a reckless impetuous person'),
  synset(N.bigCat, 5, 'n', ['big_cat', 'cat'], hypo(N.tiger, N.lion), 'any of several large cats'),
  synset(N.tiger, 5, 'n', ['tiger', 'Panthera_tigris'], [hyper(N.bigCat)], 'large feline of forests'),
  synset(N.lion, 5, 'n', ['lion', 'king_of_beasts'], [hyper(N.bigCat)], 'large gregarious predatory feline'),
  synset(N.seabird, 5, 'n', ['seabird'], hypo(N.sphenisciform, N.pelecaniform), 'a bird that frequents coastal waters'),
  synset(N.sphenisciform, 5, 'n', ['sphenisciform_seabird'], [hyper(N.seabird), ...hypo(N.penguin)], 'penguins'),
  synset(N.penguin, 5, 'n', ['penguin'], [hyper(N.sphenisciform)], 'short-legged flightless birds'),
  synset(N.pelecaniform, 5, 'n', ['pelecaniform_seabird'], [hyper(N.seabird), ...hypo(N.pelican, N.gannet)], 'pelicans and the like'),
  synset(N.pelican, 5, 'n', ['pelican'], [hyper(N.pelecaniform)], 'large long-winged warm-water seabird'),
  synset(N.gannet, 5, 'n', ['gannet'], [hyper(N.pelecaniform)], 'large heavily built seabird'),
  synset(N.wader, 5, 'n', ['wading_bird', 'wader'], hypo(N.heron, N.egret), 'any of many long-legged birds'),
  synset(N.heron, 5, 'n', ['heron'], [hyper(N.wader), ...hypo(N.greatBlueHeron, N.littleBlueHeron)], 'grey or white wading bird'),
  synset(N.greatBlueHeron, 5, 'n', ['great_blue_heron', 'Ardea_herodius'], [hyper(N.heron)], 'large American heron'),
  synset(N.littleBlueHeron, 5, 'n', ['little_blue_heron'], [hyper(N.heron)], 'small bluish-grey heron'),
  synset(N.egret, 5, 'n', ['egret'], [hyper(N.wader)], 'any of various usually white herons'),
  synset(N.carnivore, 5, 'n', ['carnivore'], hypo(N.bear, N.wolf), 'a terrestrial or aquatic flesh-eating mammal'),
  synset(N.bear, 5, 'n', ['bear'], [hyper(N.carnivore)], 'massive plantigrade carnivorous mammals'),
  synset(N.wolf, 5, 'n', ['wolf'], [hyper(N.carnivore)], 'any of various predatory carnivorous canine mammals'),
  synset(N.linearUnit, 23, 'n', ['linear_unit'], hypo(N.inch, N.foot), 'a unit of measurement of length'),
  synset(N.inch, 23, 'n', ['inch', 'in'], [hyper(N.linearUnit)], 'a unit of length equal to one twelfth of a foot'),
  synset(N.foot, 23, 'n', ['foot', 'ft'], [hyper(N.linearUnit)], 'a linear unit of length equal to 12 inches'),
  synset(N.river, 17, 'n', ['river'], [['~i', N.redRiver, 'n']], 'a large natural stream of water'),
  synset(N.redRiver, 17, 'n', ['Red', 'Red_River'], [['@i', N.river, 'n']], 'a river that flows into the Mississippi'),
].join('\n');

const NOUN_INDEX = [
  '  1 licence header',
  index('apple', 'n', [N.apple]),
  index('banana', 'n', [N.banana]),
  index('bear', 'n', [N.bear]),
  index('big_cat', 'n', [N.bigCat]),
  index('blue', 'n', [N.blue]),
  index('egret', 'n', [N.egret]),
  index('gannet', 'n', [N.gannet]),
  index('granny_smith', 'n', [N.grannySmith]),
  index('great_blue_heron', 'n', [N.greatBlueHeron]),
  index('green', 'n', [N.green]),
  index('heron', 'n', [N.heron]),
  index('in', 'n', [N.inch]),
  index('inch', 'n', [N.inch]),
  index('lion', 'n', [N.lion]),
  index('little_blue_heron', 'n', [N.littleBlueHeron]),
  index('pear', 'n', [N.pear]),
  index('pelican', 'n', [N.pelican]),
  index('penguin', 'n', [N.penguin]),
  index('red', 'n', [N.red, N.redRiver]),
  index('tiger', 'n', [N.tigerPerson, N.tiger]),
  index('wolf', 'n', [N.wolf]),
].join('\n');

const ADJ_DATA = [
  synset(A.happy, 0, 'a', ['happy'], [['!', A.unhappy, 'a', '0101']], 'enjoying or showing or marked by joy or pleasure'),
  synset(A.unhappy, 0, 'a', ['unhappy'], [['!', A.happy, 'a', '0101']], 'experiencing or marked by sorrow'),
  synset(A.blue, 0, 's', ['blue', 'bluish'], [['&', A.chromatic, 'a']], 'of the color intermediate between green and violet'),
  synset(A.chromatic, 0, 'a', ['chromatic'], [['!', A.achromatic, 'a', '0101']], 'having or characterized by hue'),
  synset(A.achromatic, 0, 'a', ['achromatic'], [['!', A.chromatic, 'a', '0101']], 'having no hue'),
  synset(
    A.small,
    0,
    'a',
    ['small', 'little(a)'],
    [
      ['!', A.large, 'a', '0101'],
      ['!', A.large, 'a', '0202'],
    ],
    'limited or below average in number or quantity or magnitude or extent',
  ),
  synset(
    A.large,
    0,
    'a',
    ['large', 'big'],
    [
      ['!', A.small, 'a', '0101'],
      ['!', A.small, 'a', '0202'],
    ],
    'above average in size or number or quantity or magnitude or extent',
  ),
].join('\n');

const ADJ_INDEX = [
  index('achromatic', 'a', [A.achromatic]),
  index('big', 'a', [A.large]),
  index('blue', 'a', [A.blue, A.chromatic]),
  index('chromatic', 'a', [A.chromatic]),
  index('happy', 'a', [A.happy]),
  index('large', 'a', [A.large]),
  index('little', 'a', [A.small]),
  index('small', 'a', [A.small]),
  index('unhappy', 'a', [A.unhappy]),
].join('\n');

const VERB_INDEX = [index('bear', 'v', [1, 2, 3]), index('fly', 'v', [4])].join('\n');

/** The mini WordNet's files. */
export const MINI_WORDNET: WordNetLexiconFiles = {
  noun: { index: NOUN_INDEX, data: NOUN_DATA },
  adj: { index: ADJ_INDEX, data: ADJ_DATA },
  verb: { index: VERB_INDEX },
};
