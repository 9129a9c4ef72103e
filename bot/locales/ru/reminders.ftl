## Reminders and warnings the scheduler sends (bot/domain/reminders.py)

# Meetings; $meeting is meet-description
remind-meeting-day = 📅 Завтра встреча с { $other }: { $meeting }.
remind-meeting-hour = ⏰ Через час встреча с { $other }: { $meeting }.
remind-meeting-unanswered = ⏳ { $other } пока не ответил(а) на приглашение: { $meeting }. Можно напомнить лично или отменить встречу.

# Milestones of the plan
remind-milestone-week = 📌 Через неделю, { $due }, срок этапа плана «{ $title }».
remind-milestone-day = 📌 Завтра, { $due }, срок этапа плана «{ $title }».
remind-milestone-overdue = ⚠️ Этап плана «{ $title }» просрочен: срок был { $due }, прошло { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-milestone-overdue-mentor = ⚠️ У { $mentee } просрочен этап плана «{ $title }»: срок был { $due }, прошло { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-milestone-review = 🕒 { $mentee } сдал(а) этап «{ $title }» { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
} назад: он ждёт вашего решения.
remind-button-open-milestone = 📋 Открыть этап
