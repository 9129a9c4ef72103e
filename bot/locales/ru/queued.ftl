## Messages composed of other texts, queued by catalog key and rendered when sent
queued-lines =
    { $first }
    { $second }
queued-with-note =
    { $text }

    { $note }
