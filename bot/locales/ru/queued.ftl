## Messages composed of other texts, queued by catalog key and rendered when sent
queued-request-with-admin-row =
    { $request }
    { $row }
queued-with-note =
    { $text }

    { $note }
