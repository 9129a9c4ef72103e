## Why a pair cannot be formed (bot.rules.PairRefusal)
pair-refused-same-person = наставник и наставляемый — один и тот же человек.
pair-refused-not-a-mentor = этот человек не наставник.
pair-refused-not-a-mentee = этот человек не наставляемый.
pair-refused-inactive = один из участников выбыл из программы.
pair-refused-mentor-full = у наставника уже максимум активных наставляемых ({ $max }).
pair-refused-mentee-has-kind = у наставляемого уже есть активная пара этого вида.
pair-refused-end-before-start = дата окончания раньше даты начала.
pair-refused-same-mentor = это и есть нынешний наставник пары; выберите другого.
pair-refused-already-existed = такая пара с этой датой начала уже была; укажите другую дату начала.

## /pair
pair-step-mentor = <b>Новая пара, шаг 1 из 6.</b> Выберите наставника.
pair-step-mentee = <b>Шаг 2 из 6.</b> Выберите наставляемого.
pair-step-kind = <b>Шаг 3 из 6.</b> Вид наставничества?
pair-step-start = <b>Шаг 4 из 6.</b> Дата начала: нажмите кнопку или пришлите дату в виде ДД.ММ.ГГГГ.
pair-step-end = <b>Шаг 5 из 6.</b> Начало — { $start }. Дата окончания: по умолчанию через год, или пришлите дату ДД.ММ.ГГГГ.
pair-step-order = <b>Шаг 6 из 6.</b> Приказ о закреплении: пришлите номер и дату, например «№ 112-к от 28.08.2026».
pair-chosen-mentor = Наставник: <b>{ $name }</b>.
pair-chosen-mentee = { GENDER($name) ->
    [female] Наставляемая
   *[other] Наставляемый
}: <b>{ $name }</b>.
pair-mentor-load = { $name } — { $load } из { $max }
pair-mentee-mentored = { $name } · 🤝 { $kind ->
    [business] есть бизнес-наставник
    [both] есть оба наставника
   *[other] есть наставник
}
pair-no-mentors = В списке нет ни одного наставника. Добавьте людей через /import.
pair-no-mentees = В списке нет ни одного наставляемого. Добавьте людей через /import.
pair-start-today = Сегодня, { $date }
pair-end-year = Через год, { $date }
pair-end-latest = Последняя возможная, { $date }
pair-no-order = без приказа
date-invalid = Не понял дату. Пришлите её в виде ДД.ММ.ГГГГ, например 01.09.2026.
pair-summary = <b>Проверьте пару</b>
    Наставник: { $mentor }
    Наставляемый: { $mentee }
    Вид: { $kind }
    Срок: { $start } – { $end }
    Приказ: { $order }
pair-create = ✅ Сформировать пару
pair-created = ✅ Пара сформирована: { $pair }. { $notices }; кто ещё не открывал бота, увидит пару при первом /start.
pair-not-created = Пара не сформирована: { $reason }
pair-not-changed = Наставник не изменён: { $reason }

## /pairs
pairs-title = { $count ->
    [one] Активна { $count } пара. Выберите пару:
    [few] Активны { $count } пары. Выберите пару:
   *[many] Активно { $count } пар. Выберите пару:
}
# A pair of the page: its plan's progress (accepted of all) and its last held meeting
pairs-line = { SHORT($mentee) } ← { SHORT($mentor) }: { $bar } { $accepted }/{ $total } · { $last }
pairs-last-held = последняя встреча { $date }
pairs-no-meetings = встреч ещё не было
pairs-none = Активных пар нет. Сформировать пару — /pair.
pair-button = { $mentee } ← { $mentor }
pair-card = <b>Пара</b>
    Наставляемый: { $mentee }
    Наставник: { $mentor }
    Вид: { $kind }
    Срок: { $start } – { $end }
    Приказ: { $order }
    Состояние: { $status }
pair-history = <b>История:</b>
pair-history-line = { $mentor }, { $kind }, с { $start } — { $status } ({ $reason })
pair-history-more = { $count ->
    [one] … и ещё { $count } более ранняя запись
    [few] … и ещё { $count } более ранние записи
   *[many] … и ещё { $count } более ранних записей
}
pair-status-active = активна
pair-status-completed = завершена
pair-status-ended = прекращена досрочно
pair-status-reassigned = наставник сменён
pair-reassign = 🔁 Сменить наставника
pair-end-early = ⏹ Прекратить досрочно
pair-complete = 🏁 Завершить (программа выполнена)
pair-ask-feedback = 📝 Запросить анкеты сейчас
pair-complete-yes = 🏁 Да, завершить
pair-complete-confirm = Завершить пару { $pair } как выполненную? Оба участника получат уведомление.
pair-not-active = Эта пара уже не активна.
pair-reassign-step-mentor = Смена наставника. Наставляемый: { $mentee }; нынешний наставник: { $mentor }. Выберите нового наставника.
pair-reassign-step-reason = Новый наставник — <b>{ $mentor }</b>. Напишите причину смены (она попадёт в историю пары).
pair-end-step-reason = Прекращение пары { $pair }. Напишите причину (увольнение, длительное отсутствие, по заявлению…).
pair-reassigned = 🔁 Наставник сменён: { $pair }. { $notices }.
pair-ended = ⏹ Пара прекращена: { $pair }.
pair-completed = 🏁 Пара завершена: { $pair }.

## Notices to the people of a pair (sent through the outbox)
notice-pair-formed-mentor = 🤝 Вы назначены наставником { GEN($mentee) } ({ $kind }, { $start } – { $end }).{ $order }
notice-pair-formed-mentee = 🤝 Вам назначен наставник: <b>{ $mentor }</b> ({ $kind }, { $start } – { $end }).{ $order }
pair-order = {" "}Приказ: { $order }
# The same notices as rows queued before the order became a line of its own keep them.
notice-pair-started-mentor = 🤝 Вы назначены наставником { GEN($mentee) } ({ $kind }, { $start } – { $end }). Приказ: { $order }
notice-pair-started-mentee = 🤝 Вам назначен наставник: <b>{ $mentor }</b> ({ $kind }, { $start } – { $end }). Приказ: { $order }
notice-pair-reassigned-old-mentor = 🔁 { GENDER($mentee) ->
    [female] Вашу наставляемую
   *[other] Вашего наставляемого
} { ACC($mentee) } передали другому наставнику: { $mentor }. Причина: { $reason }
notice-pair-reassigned-new-mentor = 🤝 Вы назначены наставником { GEN($mentee) } ({ $kind }, до { $end }). Прежний наставник: { $old_mentor }. Причина смены: { $reason }
notice-pair-reassigned-mentee = 🔁 Ваш наставник сменился: теперь это <b>{ $mentor }</b>. Прежний наставник: { $old_mentor }. Причина: { $reason }
notice-pair-ended = ⏹ Пара «{ $mentee } ← { $mentor }» прекращена досрочно. Причина: { $reason }
notice-pair-completed = 🏁 Пара «{ $mentee } ← { $mentor }» завершена: программа наставничества выполнена. Спасибо!

# Choosing the pair a journey works in (a mentee with two mentors, a mentor with several mentees).
pair-choice-label = { $name } · { $kind ->
        [business] бизнес-наставничество
       *[other] педагогическое наставничество
    }
pair-choice-no-pair = У вас нет действующей пары наставничества. Пары формирует методический кабинет; когда вас закрепят, я напишу.

pair-notices-sent = Участникам отправлены уведомления
pair-notices-morning = Сейчас тихие часы: участники получат уведомления в { $time }
pairs-filter-active = Активные
pairs-filter-completed = Завершённые
pairs-filter-ended = Прекращённые
pairs-filter-all = Все
pairs-filter-kind-all = Любой вид
pairs-filter-kind-pedagogical = Педагогическое
pairs-filter-kind-business = Бизнес
pairs-title-filtered = Пар: { $count } ({ $status }; { $kind }; ПЦК: { $department }). Выберите пару:
pairs-none-filtered = Таких пар нет. Измените фильтр кнопками ниже.
pairs-choose-department = Пары какой ПЦК (по наставляемому) показать?
