/**
 * Prompt-injection and tool-poisoning phrases. Each is written with single
 * spaces that `phrase` turns into `\s{1,4}` (so line breaks and doubled
 * spaces inside a phrase still match). Every quantifier is bounded and each
 * pattern begins with a word, so a scan spends a bounded number of steps at
 * each position: linear in the text. The phrases are deliberately specific —
 * a verb aimed at the model plus what it targets — because tool output is
 * full of ordinary prose about "instructions" and "the system".
 */
export interface InjectionPattern {
  kind: string;
  regex: RegExp;
  /** Further checks with the surrounding text (negation, what follows). */
  accept?: (match: string, text: string, index: number) => boolean;
}

/** Constant sources only (never tenant input): spaces become bounded whitespace. */
function phrase(source: string, flags = 'gi'): RegExp {
  return new RegExp(source.replace(/ /g, '\\s{1,4}'), flags);
}

const QUALIFIER = /\b(?:all|any|every|each|previous|prior|above|earlier|preceding|former|original|initial|existing|system|developer|safety|your)\b/i;
const NEGATED_BEFORE = /(?:don['’]?t|do\s+not|never|not)\s{1,4}$/i;

const notNegated = (text: string, index: number): boolean => !NEGATED_BEFORE.test(text.slice(Math.max(0, index - 12), index));

const SENSITIVE_FILES =
  '(?:~/\\.ssh/id_(?:rsa|ed25519|ecdsa|dsa)(?!\\.pub)|\\bid_(?:rsa|ed25519|ecdsa|dsa)\\b(?!\\.pub)|~/\\.ssh/[\\w-]{1,30}\\.pem|\\.aws/credentials|\\.cursor/mcp\\.json|\\bmcp\\.json\\b|/etc/(?:passwd|shadow)\\b|\\.git-credentials|\\.netrc\\b|\\.npmrc\\b|\\.pgpass\\b|\\.kube/config\\b|\\.docker/config\\.json|\\bwallet\\.dat\\b|\\.bash_history|\\.zsh_history|\\.env\\.local\\b)';

export const INJECTION_PATTERNS: readonly InjectionPattern[] = [
  // "Ignore all previous instructions", "disregard your prior rules", "forget the system prompt's guidelines".
  {
    kind: 'instruction_override',
    regex: phrase(
      '\\b(?:ignore|disregard|forget|skip|override|bypass|neglect|drop) (?:(?:all|any|each|every|of|the|your|my|these|those|earlier|previous|prior|above|preceding|former|original|initial|existing|system|developer|safety) ){1,4}(?:instructions?|prompts?|directions|directives|rules|guidelines|guardrails|constraints|context|commands|orders|programming|policies|restrictions)\\b',
    ),
    // "Skip these instructions if you use Docker" has no qualifier that points at the model's own instructions.
    accept: (m, text, i) => QUALIFIER.test(m) && notNegated(text, i),
  },
  // "Ignore the above and …", "forget everything before this".
  {
    kind: 'instruction_override',
    regex: phrase(
      '\\b(?:ignore|disregard|forget) (?:(?:all|everything|anything|of|the|that|what|you|were|was|have|been|i|said|told|written|given) ){1,4}(?:above|before|previously|earlier|so far|until now)\\b',
    ),
    accept: (m, text, i) =>
      notNegated(text, i) && (/\b(?:all|everything|anything|told|said)\b/i.test(m) || /^\s{0,3}(?:[,.;:]|and\b|instead\b|then\b)/i.test(text.slice(i + m.length, i + m.length + 12))),
  },
  { kind: 'instruction_override', regex: phrase('\\b(?:new|updated|real|actual|true|revised) (?:instructions|directives|system instructions)\\s{0,2}:') },
  { kind: 'instruction_override', regex: phrase('\\b(?:your|the) (?:new|real|actual|true) (?:task|goal|objective|instructions|purpose|mission) (?:is|are|will be|now is)\\b') },

  // "You are now DAN", "you are now in developer mode", "you are now no longer bound by …".
  {
    kind: 'role_hijack',
    regex: phrase(
      "\\byou(?: are|['’]re) now (?:(?:a|an|in|going to|free|no longer) ){0,2}(?:DAN|jailbroken|unrestricted|unfiltered|uncensored|unbound|unchained|evil|rogue|unaligned|developer mode|god mode|jailbreak mode|dan mode|sudo mode|from|act|pretend|roleplay|role-play|acting as|bound|restricted|limited|obligated|constrained|new (?:ai|assistant|model|persona|character|system)|my (?:assistant|slave|servant))\\b",
    ),
    // "You are now restricted from posting" (a forum notice) is not a hijack; "no longer restricted" is.
    accept: (m) => !/\s(?:bound|restricted|limited|obligated|constrained)$/i.test(m) || /no\s{1,4}longer/i.test(m),
  },
  {
    kind: 'role_hijack',
    regex: phrase(
      "\\bfrom now on,? you(?: are|['’]re| will| must| shall| should)? (?:(?:will|must|shall|should|are to|going to) )?(?:act|respond|answer|reply|behave|pretend|obey|roleplay|ignore|only (?:respond|answer|reply|obey)|always (?:respond|answer|reply|obey|comply)|never (?:refuse|mention|reveal|tell|say|warn)|be DAN|be an? (?:unrestricted|unfiltered|evil|jailbroken))\\b",
    ),
  },
  {
    kind: 'role_hijack',
    regex: phrase(
      '\\b(?:pretend|imagine) (?:that )?you (?:are|were|have) (?:no (?:restrictions|rules|limits|guidelines|filters|content policy|ethical)|not (?:an ai|bound|restricted)|an? (?:unrestricted|unfiltered|evil|jailbroken|uncensored)|DAN\\b|free from)',
    ),
  },
  { kind: 'role_hijack', regex: phrase('\\b(?:act|behave|respond) as (?:if )?(?:you (?:are|were) )?(?:an? )?(?:DAN|unrestricted|unfiltered|jailbroken|uncensored|evil) ') },
  { kind: 'role_hijack', regex: phrase('\\bdo anything now\\b|\\b(?:enable|activate|enter) (?:developer|jailbreak|god|DAN) mode\\b|\\b(?:developer|jailbreak|god|DAN) mode (?:enabled|activated|on|engaged)\\b') },

  // "Reveal your system prompt", "what are your initial instructions", "repeat the words above".
  {
    kind: 'system_prompt',
    regex: phrase(
      '\\b(?:reveal|print|show|output|repeat|leak|display|dump|disclose|expose|share|return|recite|tell me|give me|what (?:is|are|was|were)) (?:(?:me|your|the|all|of|its|entire|full|complete|exact|verbatim|above|first) ){1,4}(?:(?:system|initial|hidden|original|secret|developer) (?:prompts?|instructions|messages?|directives)|pre-?prompt|system-prompt|sysprompt)\\b',
    ),
  },
  { kind: 'system_prompt', regex: phrase('\\brepeat (?:(?:all|the|everything|of|words|text|that|is) ){1,4}above\\b') },
  {
    kind: 'system_prompt',
    regex: phrase('\\b(?:override|overwrite|replace|ignore|disregard|forget|bypass) (?:(?:the|your|this|my|previous|original) ){0,2}system (?:prompt|instructions|message)\\b'),
  },
  { kind: 'system_prompt', regex: phrase('\\b(?:new|updated) system (?:prompt|instructions|message)\\s{0,2}:') },
  // Chat-template tokens have no place in tool text: they forge a turn of another role.
  {
    kind: 'role_marker',
    regex: /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[\/?INST\]|<<\/?SYS>>/g,
  },

  // Tool poisoning: <IMPORTANT> blocks and notes addressed to the model.
  {
    kind: 'tool_poisoning',
    regex: /<\s{0,2}\/?\s{0,2}(?:important|instructions?|hidden|secret|critical|override|ai_instructions|note_to_ai|assistant_instructions|system_instructions|system_prompt|system-prompt)\s{0,2}>/gi,
  },
  { kind: 'tool_poisoning', regex: phrase('\\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistant|llm|language model|model|agent|claude|chatgpt|gpt)\\s{0,2}[:,-]') },
  {
    kind: 'tool_poisoning',
    regex: phrase("\\b(?:if you are|as) an? (?:ai|llm|language model|ai assistant|ai agent)(?: reading this)?,? (?:you must|please|ignore|do not|don['’]t|always|never)\\b"),
  },

  // Concealment: the instruction wants to stay hidden from the person.
  {
    kind: 'concealment',
    regex: phrase(
      "\\b(?:do not|don['’]?t|never|must not|should not|shouldn['’]t) (?:tell|inform|notify|alert|mention|reveal|disclose|warn) (?:(?:this|that|it|anything|these|them|any|of|about) ){0,3}(?:to )?(?:the )?users?\\b",
    ),
  },
  { kind: 'concealment', regex: phrase('\\bwithout (?:telling|informing|notifying|alerting|warning|mentioning (?:it |this |that )?to) (?:the )?users?\\b') },
  {
    kind: 'concealment',
    regex: phrase('\\b(?:hide|conceal|keep) (?:this|these|it|that|the (?:instructions?|following)) (?:(?:instructions?|hidden|secret|private) )?from (?:the )?users?\\b'),
  },
  {
    kind: 'concealment',
    regex: phrase('\\bthe users? (?:must|should|will|need|needs) (?:not|never) (?:know|see|notice|find out|learn|be told|be informed|be aware|suspect)\\b'),
  },

  // Exfiltration: read a credential file and hand it over, or send secrets to an address.
  {
    kind: 'exfiltration',
    regex: phrase(
      `\\b(?:read|cat|open|load|access|fetch|get|grab|extract|copy|collect|retrieve) [^\\n]{0,40}?${SENSITIVE_FILES}[^\\n]{0,120}?\\b(?:pass|send|include|upload|post|attach|forward|append|put|encode|embed|insert|add)\\b`,
    ),
  },
  { kind: 'exfiltration', regex: phrase('\\bpass (?:its|their|the|this|that|all|the full|the entire) (?:contents?|data|text|value) as\\b') },
  {
    kind: 'exfiltration',
    regex: phrase(
      "\\b(?:send|post|upload|forward|transmit|exfiltrate|leak|email|e-mail|submit) (?:(?:all|any|every|the|this|these|those|your|my|our|their|its|of|user['’]s|users['’]|full|entire|complete|previous|whole|current) ){0,4}(?:credentials|secrets?|api keys?|tokens?|passwords?|private keys?|ssh keys?|session cookies|cookies|conversation|chat history|environment variables|env vars|contents|system prompt|instructions|context|memory)\\b[^\\n]{0,60}?\\b(?:to|at|via|into) (?:https?://|[\\w.-]{1,64}@[\\w-]{1,63}\\.|(?:this|the following|my|our|an external|a remote|the attacker['’]s) (?:url|endpoint|server|webhook|address|email))",
    ),
  },
];
