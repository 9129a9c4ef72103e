## /settings: which reminders a person gets, and their quiet hours (handlers/settings.py)

command-settings = настройки напоминаний
settings-title = <b>⚙️ Напоминания</b>
settings-hint = Нажмите на напоминание, чтобы выключить его (🔕) или снова включить (✅). Выключенное не приходит, в том числе уже ждущее отправки.
settings-no-kinds = Напоминаний для вас пока нет.
settings-quiet = Тихие часы: с { $start } до { $end } по местному времени. Напоминания, выпавшие на это время, приходят утром; сообщения от людей приходят сразу, но без звука.
settings-quiet-off = Тихих часов нет: напоминания приходят в любое время.
settings-button-on = ✅ { $kind }
settings-button-off = 🔕 { $kind }
settings-switched-on = Включено: { $kind }.
settings-switched-off = Выключено: { $kind }.
settings-already-on = Это напоминание уже включено.
settings-already-off = Это напоминание уже выключено.
settings-not-yours = Этой настройки у вас нет.

# One per ReminderKind (bot/domain/reminders.py): what the reminder is about
settings-kind-meeting-day = Встреча завтра
settings-kind-meeting-hour = Встреча через час
settings-kind-meeting-held = «Состоялась ли встреча?»
settings-kind-meeting-unanswered = Приглашение без ответа
settings-kind-milestone-week = Срок этапа через неделю
settings-kind-milestone-day = Срок этапа завтра
settings-kind-milestone-overdue = Просроченный этап
settings-kind-milestone-review = Отчёт ждёт решения
settings-kind-question-remind = Вопрос наставляемого без ответа
settings-kind-question-escalate = Вопрос, долго оставшийся без ответа
settings-kind-plan-late = План не утверждён через две недели
settings-kind-pair-inactive = Давно не было встреч
settings-kind-pair-inactive-admins = Пара без встреч (методистам)
settings-kind-final-report-month = Итоговый отчёт: за месяц до конца
settings-kind-final-report-week = Итоговый отчёт: за неделю до конца
settings-kind-feedback-remind = Анкета ждёт ответа
settings-kind-pair-report = Отчёт пары для педсовета
settings-kind-digest = Еженедельная сводка
