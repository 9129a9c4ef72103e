## The individual development plan (/plan)
plan-status-draft = черновик
plan-status-submitted = на утверждении
plan-status-approved = утверждён
plan-status-returned = возвращён на доработку
milestone-status-planned = запланирован
milestone-status-submitted = на проверке
milestone-status-accepted = принят
milestone-status-returned = возвращён
milestone-status-overdue = просрочен
milestone-icon-planned = ⚪
milestone-icon-submitted = 🟡
milestone-icon-accepted = ✅
milestone-icon-returned = ↩️
milestone-icon-overdue = 🔴
plan-head = <b>Индивидуальный план</b>
    Наставник: { $mentor }
    Наставляемый: { $mentee }
    План: { $status }
    Принято { $accepted } из { $total }
plan-returned-comment = Замечание методиста: { $comment }
plan-line = { $icon } { $number }. { $title } — до { $due } · { $status }
plan-line-no-status = { $icon } { $number }. { $title } — до { $due }
plan-more = … и ещё { $count ->
    [one] { $count } этап
    [few] { $count } этапа
   *[many] { $count } этапов
}
plan-empty = В плане пока нет этапов.
plan-no-plan = У этой пары нет плана.
plan-choose-pair = Чей план открыть?
plan-milestone-button = { $number }. { $title }
plan-add = ➕ Добавить этап
plan-submit = 📤 Отправить на утверждение
plan-back = ⬅️ К плану
plan-approve = ✅ Утвердить
plan-return = ↩️ Вернуть на доработку
plan-open-from-card = 📋 План
plan-back-to-pair = ⬅️ К карточке пары

## Plans awaiting approval, as /pairs and a pair's card show them
pairs-awaiting = ⏳ { $count ->
    [one] { $count } план ждёт утверждения
    [few] { $count } плана ждут утверждения
   *[many] { $count } планов ждут утверждения
} — эти пары в начале списка, отмечены ⏳.
pair-button-awaiting = ⏳ { $mentee } ← { $mentor }
pair-plan-awaiting = ⏳ <b>План ждёт утверждения</b> — откройте «📋 План», чтобы утвердить или вернуть его.

## A milestone's card
milestone-card = <b>{ $title }</b>
    Срок: { $due }
    Состояние: { $status }
milestone-card-report = Отчёт наставляемого: { $comment }
milestone-card-file = 📎 К отчёту приложен файл.
milestone-card-mentor-comment = Замечание наставника: { $comment }
milestone-mark-done = ✅ Отметить выполнение
milestone-edit-title = ✏️ Изменить название
milestone-edit-due = 📅 Изменить срок
milestone-remove = 🗑 Удалить этап
milestone-accept = ✅ Принять
milestone-return = ↩️ Вернуть
milestone-open-file = 📎 Открыть файл
milestone-removed = Этап удалён.

## Forms
plan-ask-title = Название этапа (до { $max } символов):
plan-ask-due = Срок этапа: дата ДД.ММ.ГГГГ в пределах пары ({ $start } – { $end }).
plan-title-too-long = Слишком длинное название: не больше { $max } символов.
plan-title-empty = Название не может быть пустым: напишите его словами (до { $max } символов).
plan-milestone-added = ✅ Этап добавлен: { $title }, до { $due }.
plan-milestone-changed = ✅ Этап изменён: { $title }, до { $due }.
milestone-ask-comment = Напишите коротко, что сделано (до { $max } символов).
milestone-ask-file = Приложите файл — документ (pdf, doc, docx, xls, xlsx, ppt, pptx, odt, jpg, png; до 20 МБ) или фото — или нажмите «Без файла».
milestone-no-file = Без файла
milestone-file-refused = Такой файл не подходит: нужен документ pdf, doc, docx, xls, xlsx, ppt, pptx, odt, jpg или png до 20 МБ, или фото.
milestone-comment-too-long = Слишком длинный текст: не больше { $max } символов.
milestone-sent = ✅ Отчёт отправлен наставнику.
milestone-ask-return-comment = Напишите, что доработать (до { $max } символов).
plan-ask-return-comment = Напишите замечание к плану (до { $max } символов).
plan-submitted = 📤 План отправлен на утверждение.
plan-ask-reason = План уже утверждён: напишите причину изменения (до { $max } символов) — она останется в истории плана.
plan-reason-empty = Без причины утверждённый план не меняется. Напишите причину изменения (до { $max } символов) или нажмите «Отмена».

## Changes after approval (the plan's history)
plan-history-head = <b>Изменения после утверждения:</b>
plan-history-earlier = … и ещё { $count ->
    [one] { $count } изменение
    [few] { $count } изменения
   *[many] { $count } изменений
} раньше
plan-history-add = { $date }, { $author }: добавлен этап «{ $title }» (до { $new }). Причина: { $reason }
plan-history-title = { $date }, { $author }: этап «{ $old }» переименован в «{ $new }». Причина: { $reason }
plan-history-due = { $date }, { $author }: срок этапа «{ $title }» перенесён с { $old } на { $new }. Причина: { $reason }
plan-history-remove = { $date }, { $author }: удалён этап «{ $title }» (был до { $old }). Причина: { $reason }

## Refusals (bot.domain.plans)
plan-refused-not-editable = план сейчас на утверждении — менять его можно после решения методиста.
plan-refused-reason-needed = изменение утверждённого плана требует причины.
plan-refused-not-submittable = план уже отправлен или утверждён.
plan-refused-empty = в плане нет ни одного этапа.
plan-refused-decided = решение по этому плану уже принято.
plan-refused-too-long = в плане уже максимум этапов.
milestone-refused-not-removable = по этапу уже есть отчёт — удалить его нельзя.
milestone-refused-not-submittable = этап уже отправлен на проверку или принят.
milestone-refused-decided = решение по этому отчёту уже принято.
milestone-refused-deadline = срок должен быть в пределах пары.
plan-refused = Не получилось: { $reason }

## Messages through the outbox
plan-for-admin = <b>План на утверждение</b>
    Наставник: { $mentor }
    Наставляемый: { $mentee }
plan-copy-approved = ✅ { $admin } { GENDER($admin) ->
    [female] утвердила
   *[other] утвердил
} план.
plan-copy-returned = ↩️ { $admin } { GENDER($admin) ->
    [female] вернула
   *[other] вернул
} план на доработку. Замечание: { $comment }
plan-already-approved = Решение уже принято: { $admin } { GENDER($admin) ->
    [female] утвердила
   *[other] утвердил
} план.
plan-already-returned = Решение уже принято: { $admin } { GENDER($admin) ->
    [female] вернула
   *[other] вернул
} план на доработку.
plan-copy-outdated = Решение по этой отправке плана уже принято, план отправлен заново — решайте по новой копии.
plan-decided-approved = ✅ Вы утвердили план.
plan-decided-returned = ↩️ Вы вернули план на доработку.
notice-plan-approved = ✅ Индивидуальный план пары «{ $mentor } — { $mentee }» утверждён.
notice-plan-returned = ↩️ Индивидуальный план пары «{ $mentor } — { $mentee }» возвращён на доработку. Замечание: { $comment }
notice-milestone-submitted = 🟡 { $mentee } { GENDER($mentee) ->
    [female] отметила
   *[other] отметил
} этап выполненным: <b>{ $title }</b> (срок { $due })
    Отчёт: { $comment }
notice-milestone-file = 📎 К отчёту приложен файл — нажмите «Открыть файл».
notice-milestone-due-moved = 📅 { $mentor } { GENDER($mentor) ->
    [female] перенесла
   *[other] перенёс
} срок этапа «{ $title }» с { $old } на { $new }. Причина: { $reason }
notice-milestone-accepted = ✅ { $mentor } { GENDER($mentor) ->
    [female] приняла
   *[other] принял
} этап «{ $title }».
notice-milestone-returned = ↩️ { $mentor } { GENDER($mentor) ->
    [female] вернула
   *[other] вернул
} этап «{ $title }». Замечание: { $comment }
milestone-decided-accepted = ✅ Принято.
milestone-decided-returned = ↩️ Возвращено с замечанием.

# The caption of a report's file sent again from the plan
milestone-file-caption = 📎 Отчёт { GEN($mentee) } по этапу «{ $title }»
milestone-card-accepted = ✅ <b>Принят { $date }</b>
milestone-card-returned = ↩️ <b>Возвращён { $date }</b> с замечанием
notice-plan-returned-mentee = ↩️ Методический кабинет вернул индивидуальный план на доработку. Наставник, { $mentor }, поправит его и отправит снова.