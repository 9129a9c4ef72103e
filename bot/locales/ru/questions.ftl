## Questions: /ask (the mentee), /questions and 💬 (the mentor)
ask-mentees-only = Задавать вопросы наставнику могут наставляемые. Открытые вопросы ваших наставляемых — /questions.
questions-mentors-only = Список вопросов — для наставников. Задать вопрос наставнику — /ask.
ask-choose-pair = Кому задать вопрос? Выберите наставника.
ask-prompt = Напишите вопрос наставнику, { DAT($mentor) }, одним сообщением: текстом, или пришлите фото либо документ с подписью.
ask-unsupported = Пришлите вопрос текстом, или фото либо документ с подписью.
question-sent = ✉️ Вопрос отправлен: его получит { $mentor }. Ответ придёт сюда, ответом на ваше сообщение. Если вопрос снялся сам, нажмите «Вопрос решён».
question-to-mentor = ❓ <b>Вопрос от { GEN($mentee) }</b>

    { $text }
question-answer-to-mentee = 💬 <b>Ответ от { GEN($mentor) }</b>

    { $text }
button-answer = 💬 Ответить
button-resolve = ✅ Вопрос решён
answer-prompt = Вопрос от { GEN($mentee) }{ $file }:
    <blockquote>{ $text }</blockquote>
    Напишите ответ одним сообщением: текстом, или пришлите фото либо документ с подписью.
question-with-file = {" "}(с вложением 📎)
answer-sent = ✅ Ответ отправлен { DAT($mentee) }.
question-resolved = Вопрос закрыт.
question-not-sent = Вопрос не отправлен: { $reason }
answer-not-sent = Ответ не отправлен: { $reason }

## Why a question cannot be asked, answered or closed (bot.domain.questions.QuestionRefusal)
question-refused-empty = нужен текст вопроса или ответа (у фото или документа — подпись).
question-refused-too-long = слишком длинный текст: не больше { NUMBER($limit, useGrouping: 0) } символов (с файлом — в подписи). Сократите и пришлите снова.
question-refused-file-too-big = файл больше { $mb } МБ; пришлите файл поменьше или ссылку.
question-refused-not-yours = это не ваш вопрос.
question-refused-pair-not-active = пара уже не активна.
question-refused-answered = на этот вопрос уже ответили; уточнить можно новым вопросом.
question-refused-resolved = этот вопрос уже закрыт.

## /questions
questions-title = { $count ->
    [one] Открыт { $count } вопрос, сначала давние:
    [few] Открыто { $count } вопроса, сначала давние:
   *[many] Открыто { $count } вопросов, сначала давние:
}
questions-none = Открытых вопросов нет.
questions-line = { $number }. { $asked } · <b>{ $mentee }</b>: { $text }
questions-more = { $count ->
    [one] … и ещё { $count } вопрос
    [few] … и ещё { $count } вопроса
   *[many] … и ещё { $count } вопросов
}
questions-button = 💬 { $number }. { $mentee }

## The mentor's copy of a question, its 💬 taken away (an outbox edit)
question-copy-answered = ✅ <i>Вы ответили на этот вопрос.</i>
question-copy-resolved = ✅ <i>{ $mentee } { GENDER($mentee) ->
    [female] закрыла
   *[other] закрыл
} вопрос.</i>
question-copy-reassigned = ↪️ <i>Наставник сменился: вопрос передан { DAT($mentor) }.</i>
question-copy-pair-closed = <i>Пара закрыта: ответить на вопрос уже нельзя.</i>

question-refused-resolved-by-you = вы уже закрыли этот вопрос.