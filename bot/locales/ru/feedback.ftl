## The effectiveness questionnaires (bot/domain/feedback.py, handlers/feedback.py)

feedback-round-mid = середина срока наставничества
feedback-round-final = завершение наставничества
feedback-round-asked = по запросу методиста { $date }
feedback-head-mentee = 📝 <b>Анкета: { $round }</b>
    Как вам работается с наставником — { INS($mentor) }? Ответы видят только методисты.
feedback-head-mentor = 📝 <b>Анкета: { $round }</b>
    Оцените продвижение { GEN($mentee) } в работе. Ответы видят только методисты.
feedback-scale-mentee = Нажмите оценку от 1 (совсем нет) до 5 (полностью).
feedback-scale-mentor = Нажмите оценку от 1 (нет продвижения) до 5 (заметное продвижение).
feedback-item-line = { $mark } { $number }. { $item }{ $score ->
    [0] {""}
   *[other] : <b>{ $score }</b>
}
feedback-item-mentee-support = Довольны ли вы поддержкой наставника
feedback-item-mentee-availability = Доступен ли наставник, когда нужна помощь
feedback-item-mentee-usefulness = Полезны ли консультации и встречи
feedback-item-mentee-confidence = Насколько увереннее вы стали в работе
feedback-item-mentor-planning = Планирование уроков
feedback-item-mentor-methods = Методы и приёмы обучения
feedback-item-mentor-classroom = Управление группой на уроке
feedback-item-mentor-documents = Ведение документации
feedback-item-mentor-self-education = Самообразование
feedback-button-score = { $chosen ->
    [1] ✅ { $score }
   *[other] { $score }
}
feedback-button-back = ⬅️ Изменить предыдущую оценку
feedback-button-comment = ✍️ Добавить комментарий
feedback-button-done = ✅ Готово, без комментария
feedback-button-share = 👁 Показать комментарий наставнику
feedback-button-open = 📝 Заполнить анкету
feedback-comment-offer-mentee = Все оценки поставлены. Добавьте комментарий, если хотите: его увидят методисты, а наставник — только если вы решите показать.
feedback-comment-offer-mentor = Все оценки поставлены. Добавьте комментарий, если хотите. В итоговой анкете он станет заключением наставника для отчёта педсовету.
feedback-comment-prompt-mentee = ✍️ Напишите комментарий одним сообщением (до { $limit } знаков). Методисты увидят его; наставнику покажете, только если решите. Передумали — /cancel, оценки сохранены.
feedback-comment-prompt-mentor = ✍️ Напишите комментарий одним сообщением (до { $limit } знаков). Передумали — /cancel, оценки сохранены.
feedback-comment-too-long = Комментарий длиннее { $limit } знаков. Сократите его и пришлите ещё раз — оценки сохранены.
feedback-comment-text-only = Напишите комментарий текстом. Передумали — /cancel, оценки сохранены.
feedback-done = ✅ Анкета заполнена { $date }. Спасибо!
feedback-your-comment = Ваш комментарий: «{ $comment }»
feedback-comment-shared = 👁 Комментарий показан наставнику.
feedback-thanks = Спасибо, анкета сохранена.
feedback-gone = Эта анкета уже заполнена или больше не ждёт ответа. Оценки не изменены.
feedback-shared-answer = Комментарий отправлен наставнику.
feedback-asked = 📝 Анкеты отправлены: { DAT($mentor) } и { DAT($mentee) }. Ответы появятся в /stats и в выгрузке.
feedback-ask-not-active = Пара уже закрыта — анкеты не отправлены.
feedback-ask-waiting = Анкеты этой пары ещё ждут ответа — новые не отправлены.
feedback-ask-today = Анкеты этой паре сегодня уже отправляли.
notice-feedback-shared = 💬 { $mentee } показывает вам свой комментарий из анкеты ({ $round }): «{ $comment }»
remind-feedback-mentee = 📝 С { $since } вас ждёт анкета ({ $round }) о работе с наставником — { INS($mentor) }. Это пара минут: четыре оценки кнопками.
remind-feedback-mentor = 📝 С { $since } вас ждёт анкета ({ $round }) о продвижении { GEN($mentee) }. Это пара минут: пять оценок кнопками.
