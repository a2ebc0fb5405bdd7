/**
 * The English stop words left out of the TF-IDF vocabulary: function words (articles, pronouns, auxiliaries,
 * prepositions, conjunctions, common adverbs) that carry no topic. Our own list, close in spirit to the
 * Glasgow/sklearn lists but short, so a content word such as "system", "file" or "computer" is never dropped by
 * it (frequent content words are dropped only by the document-frequency rule). All entries are lowercase words of
 * at least two letters, as the tokenizer produces (`'t'`, `'s'` never reach the list).
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing don down during each either else etc even ever every few for from ' +
    'further had has have having he her here hers herself him himself his how however if in into is it its itself ' +
    'just least less many may me might more most much must my myself neither no nor not now of off often on once ' +
    'one only onto or other others otherwise our ours ourselves out over own per rather same shall she should since ' +
    'so some such than that the their theirs them themselves then there these they this those though through thus ' +
    'to too under until up upon us very via was we were what whatever when where whether which while who whom whose ' +
    'why will with within without would yet you your yours yourself yourselves'
  ).split(' '),
);
