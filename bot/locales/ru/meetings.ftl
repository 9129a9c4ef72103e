## Meeting formats (storage.models.MeetingFormat)
meet-format-consultation = консультация
meet-format-mentee_visit = посещение урока наставника
meet-format-mentor_visit = посещение урока наставляемого
meet-format-open_lesson = открытый урок
meet-format-analysis = анализ урока
meet-format-other = другое

## Durations and counts
hours-and-minutes = { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
} { $minutes } { $minutes ->
    [one] минута
    [few] минуты
   *[many] минут
}
hours-only = { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
}
minutes-only = { $minutes } { $minutes ->
    [one] минута
    [few] минуты
   *[many] минут
}
meetings-count = { $count } { $count ->
    [one] встреча
    [few] встречи
   *[many] встреч
}

## Months and weekdays (the calendar and the journal)
month-1 = январь
month-2 = февраль
month-3 = март
month-4 = апрель
month-5 = май
month-6 = июнь
month-7 = июль
month-8 = август
month-9 = сентябрь
month-10 = октябрь
month-11 = ноябрь
month-12 = декабрь
calendar-weekdays = Пн Вт Ср Чт Пт Сб Вс

## /meet
meet-description = { $date } в { $time }, { $format }: «{ $topic }»
meet-step-date = <b>Встреча.</b> Выберите день в календаре или пришлите дату ДД.ММ.ГГГГ.
meet-step-time = <b>{ $date }.</b> Время: нажмите кнопку или пришлите ЧЧ:ММ (местное время).
meet-step-format = <b>Форма работы?</b>
meet-step-topic = <b>Тема встречи?</b> Пришлите её одним сообщением.
meet-step-duration = <b>Встреча уже прошла.</b> Сколько минут она длилась? Нажмите кнопку или пришлите число.
meet-step-content = <b>Что было сделано?</b> Коротко опишите содержание встречи.
meet-step-result = <b>Результат / рекомендации?</b> Что получилось и что посоветовано (графа журнала). Пришлите или нажмите «Пропустить».
meet-skip-result = Пропустить
meet-step-task = <b>Задание наставляемому?</b> Пришлите его или нажмите «Без задания».
meet-choose-pair = С кем встреча?
meet-date-invalid = Не понял дату. Пришлите её в виде ДД.ММ.ГГГГ, например 05.02.2027.
meet-time-invalid = Не понял время. Пришлите его в виде ЧЧ:ММ, например 15:30.
meet-duration-invalid = Пришлите длительность целым числом минут, от 1 до 720.
meet-text-empty = Пришлите текст одним сообщением (не длиннее { $max } знаков).
meet-refused-past = это время уже прошло; выберите время впереди.
meet-refused-outside-period = дата вне срока наставничества пары.
meet-refused-clash = в это время у кого-то из вас уже есть встреча.
meet-refused = Не получилось: { $reason }
meet-proposed = ✅ Приглашение отправлено { DAT($other) }: { $meeting }. Я сообщу, когда будет ответ; до ответа встречу можно перенести или отменить кнопками ниже.
meet-logged = ✅ Встреча записана: { $meeting }. { $other } подтвердит её, и она попадёт в журнал.
meet-no-task = Без задания
meet-button-time = { $time }
meet-duration-button = { $minutes } мин

## Messages to the other side (through the outbox)
meet-invite = 📅 { $other } приглашает на встречу: { $meeting }.
meet-invite-other-time = 🕒 { $other } предлагает другое время: { $meeting }.
meet-logged-ask = 📝 { $other } { GENDER($other) ->
    [female] записала
   *[other] записал
} прошедшую встречу: { $meeting }.
    Длительность: { $minutes }
    Сделано: { $content }
    Результат: { $result }
    Задание: { $task }
    Подтвердите, что она была.
meet-told-confirmed = ✅ { $other } { GENDER($other) ->
    [female] подтвердила
   *[other] подтвердил
} встречу: { $meeting }.
meet-told-declined = ❌ { $other } { GENDER($other) ->
    [female] отклонила
   *[other] отклонил
} встречу: { $meeting }.
meet-told-held = ✅ { $other } { GENDER($other) ->
    [female] подтвердила
   *[other] подтвердил
} встречу, она в журнале: { $meeting }.
# "Did it happen?" answered «состоялась» with the details: the other side reads them
meet-told-held-details = ✅ { $other } { GENDER($other) ->
    [female] отметила
   *[other] отметил
}, что встреча состоялась; она в журнале: { $meeting }.
    Длительность: { $minutes }
    Сделано: { $content }
    Результат: { $result }
    Задание: { $task }
meet-told-not_held = { $other } { GENDER($other) ->
    [female] отметила
   *[other] отметил
}, что встреча не состоялась: { $meeting }.
meet-told-cancelled = 🚫 { $other } { GENDER($other) ->
    [female] отменила
   *[other] отменил
} встречу: { $meeting }.
meet-held-question = Состоялась ли встреча с { INS($other) }? { $meeting }

## Buttons on a meeting (bot.domain.meetings.Answer)
meet-button-ok = ✅ Подтвердить
meet-button-no = ❌ Отклонить
meet-button-other = 🕒 Другое время
meet-button-cancel = 🚫 Отменить встречу
meet-button-held = ✅ Состоялась
meet-button-notheld = ❌ Не состоялась
meet-button-moved = 🔁 Перенесли

## Answers to a press
meet-done-confirmed = Встреча подтверждена: { $meeting }.
meet-done-declined = Встреча отклонена: { $meeting }.
meet-done-held = Встреча подтверждена и записана в журнал: { $meeting }.
meet-done-cancelled = Встреча отменена: { $meeting }.
meet-done-not_held = Записал: встреча не состоялась.
meet-other-time-ask = Пришлите новое время одним сообщением: ДД.ММ.ГГГГ ЧЧ:ММ (местное время).
meet-other-time-invalid = Не понял. Пришлите дату и время так: 05.02.2027 15:30.
meet-other-time-sent = 🕒 Вы предложили другое время: { $meeting }. Жду ответа.
meet-moved-ask = Встреча отмечена как перенесённая. Выберите новый день.

## /journal
journal-head = <b>Журнал наставничества</b>
    { $mentor } — { $mentee }
    Всего: { $count }, { $hours }
journal-month = { $month } { $year }: { $hours }
journal-empty = В журнале пока нет проведённых встреч.
journal-entry = <b>{ $date }</b> · { $format }
    Тема: { $topic }
    Содержание: { $content }
    Результат: { $result }
    Задание: { $task }
journal-more = … и ещё { $count }
meet-told-moved = 🔁 { $other } { GENDER($other) ->
    [female] отметила
   *[other] отметил
}, что встречу перенесли; новое приглашение придёт отдельно: { $meeting }.
meet-button-move = 🔁 Перенести встречу
meet-invite-moved = 🔁 { $other } предлагает перенести встречу: { $meeting }.
journal-choose-pair = Журнал какой пары показать?

## The other side's copy of a meeting, its buttons taken away (an outbox edit)
meet-retired-cancelled = 🚫 <i>Встреча отменена, кнопки больше не действуют.</i>
meet-retired-moved = 🔁 <i>Предложено другое время, оно пришло отдельным сообщением.</i>
meet-cancelled-pair-closed = 🚫 Встреча с { INS($other) } отменена: пара наставничества закрыта. { $meeting }
meet-cancelled-reassigned = 🚫 Встреча с { INS($other) } отменена: у пары сменился наставник. { $meeting }

## An admin's view of a pair's journal (from the pair card)
pair-journal = 📒 Журнал
journal-back-to-card = ⬅️ К карточке пары
journal-entry-mentor = Наставник: { $mentor }

meet-already-held = Встреча уже отмечена: состоялась, она в журнале. { $meeting }
meet-already-not_held = Встреча уже отмечена: не состоялась. { $meeting }
meet-already-cancelled = Встреча отменена, эти кнопки больше не действуют. { $meeting }
meet-already-declined = Приглашение на эту встречу отклонено. { $meeting }
meet-already-confirmed = Встреча уже подтверждена: { $meeting }
meet-already-changed = Время встречи изменилось — ответьте на новое приглашение: { $meeting }
meet-already-pair-closed = Пара наставничества закрыта: эта встреча больше не в силе.