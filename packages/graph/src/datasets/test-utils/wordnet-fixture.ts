/** A few WordNet 3.0 data lines (shortened glosses; pointers chosen to exercise every rule). */
export const WORDNET_FIXTURE: Record<string, string> = {
  noun: [
    '  1 This software and database is being provided to you, the LICENSEE, by  ',
    '00001740 03 n 01 entity 0 001 ~ 00001930 n 0000 | that which is perceived or known or inferred to have its own distinct existence  ',
    '00001930 03 n 01 physical_entity 0 003 @ 00001740 n 0000 ~ 02084071 n 0000 ~i 09000001 n 0000 | an entity that has physical existence  ',
    '02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 00001930 n 0000 | a member of the genus Canis that has been domesticated by man; "the dog barked all night"  ',
    '09000001 15 n 01 Paris 0 001 @i 00001930 n 0000 | the capital and largest city of France  ',
  ].join('\n'),
  verb: [
    '01835496 38 v 01 travel 0 001 @ 01840238 v 0000 01 + 01 00 | change location; move, travel, or proceed; "How fast does your new car go?"  ',
    '01840238 38 v 01 move 0 001 ~ 01835496 v 0000 01 + 02 00 | change position  ',
  ].join('\n'),
  adj: [
    '00001740 00 a 01 able 0 002 ! 00002098 a 0101 & 00002200 s 0000 | (usually followed by `to\') having the necessary means or skill; "able to swim"  ',
    '00002098 00 a 01 unable 0 001 ! 00001740 a 0101 | not having the necessary means or skill  ',
    '00002200 00 s 01 capable(a) 0 001 & 00001740 a 0000 | having the means  ',
  ].join('\n'),
  adv: '00001740 02 r 01 quickly 0 000 | with speed; "he ran quickly"  ',
};
