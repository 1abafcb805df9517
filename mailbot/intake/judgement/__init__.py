"""The classifier's judgement: lexicon, sentence signals, a small statistical model, and its evaluation."""
