import { negative, positive, type CorpusCase } from './corpus.types.js';

/** The keywords every case below is scanned with. */
export const KEYWORD_CORPUS_KEYWORDS: readonly string[] = ['confidential', 'Project Falcon', 'ass', 'C++', '#secret', 'café', 'Straße', 'İstanbul', '東京'];

export const KEYWORD_DETECTOR_CORPUS: readonly CorpusCase[] = [
  positive('This document is CONFIDENTIAL.', 'keyword'),
  positive('Confidential: do not share', 'keyword'),
  positive('status of project falcon?', 'keyword'),
  positive('PROJECT FALCON launch', 'keyword'),
  positive('what an ass', 'keyword'),
  positive('We hire C++ developers', 'keyword'),
  positive('tagged #secret today', 'keyword'),
  positive('Meet at the Café', 'keyword'),
  positive('STRASSE? no: Straße 5', 'keyword'),
  positive('flight to İstanbul', 'keyword'),
  positive('Trip to 東京 next week', 'keyword'),
  positive('confidential, confidential', 'keyword', 'keyword'),
  positive('(confidential)', 'keyword'),
  positive('snake_case is fine: confidential_report? no. "confidential"', 'keyword'),
  negative('nonconfidential material', 'inside a longer word'),
  negative('confidentiality agreement', 'a longer word'),
  negative('The class passed the assessment', '"ass" inside words'),
  negative('Project Falconry club', 'a longer last word'),
  negative('Project  Falcon', 'two spaces: the phrase is matched as written'),
  negative('C+ grade', 'a different symbol run'),
  negative('secret without the hash', 'the keyword includes #'),
  negative('Cafés are open', 'a longer word in another script'),
  negative('confidential_report', 'underscore joins words'),
  negative('Nothing to see here.', 'plain prose'),
];
