;;; run-lsp-mode.el --- batch test driver for test_emacs.py's lsp-mode tests -*- lexical-binding: t -*-
;; Loads after the documented config (deepseek-lsp-mode.el), opens $DEEPSEEK_EMACS_FILE, waits
;; for lsp-mode to start deepseek-lsp, then at the end of line $DEEPSEEK_EMACS_LINE either
;; completes as C-M-i would or (scenario "action") runs M-x lsp-execute-code-action, picking
;; $DEEPSEEK_EMACS_ACTION; writes what happened to $DEEPSEEK_EMACS_OUT as JSON.
(require 'json)
(require 'subr-x)
(require 'cl-lib)

(defvar deepseek-test-results nil)
(defun deepseek-test-note (key value) (push (cons key value) deepseek-test-results))

(defun deepseek-test-wait (what pred &optional seconds)
  "Run the event loop (and idle timers, which batch Emacs never runs) until PRED holds."
  (let ((deadline (+ (float-time) (or seconds 60))))
    (while (not (funcall pred))
      (when (> (float-time) deadline) (error "Timed out waiting for %s" what))
      (dolist (timer (copy-sequence timer-idle-list)) (timer-event-handler timer))
      (accept-process-output nil 0.02))))

(defun deepseek-test-finish (ok &optional err)
  (with-temp-file (getenv "DEEPSEEK_EMACS_OUT")
    (insert (json-encode `((ok . ,(if ok t :json-false)) (error . ,err)
                           (results . ,deepseek-test-results)))))
  (kill-emacs 0))

(defun deepseek-test-complete ()
  "Complete at point as C-M-i would; note the candidates first."
  (let* ((capf (lsp-completion-at-point))
         (table (nth 2 capf))
         (prefix (buffer-substring-no-properties (nth 0 capf) (nth 1 capf))))
    (deepseek-test-note 'candidates
                        (vconcat (mapcar #'substring-no-properties
                                         (all-completions prefix table)))))
  (let ((before (buffer-string)))
    (completion-at-point)
    (deepseek-test-wait "the buffer to change" (lambda () (not (equal before (buffer-string)))))))

(defun deepseek-test-action (title)
  "M-x lsp-execute-code-action at point, picking TITLE from the menu as a user would."
  (let ((before (buffer-string)))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (let ((titles (if (hash-table-p collection) (hash-table-keys collection)
                                 (mapcar (lambda (c) (if (consp c) (car c) c)) collection))))
                   (deepseek-test-note 'titles (vconcat titles))
                   (or (seq-find (lambda (c) (string-prefix-p title c)) titles) title)))))
      (call-interactively #'lsp-execute-code-action))
    (deepseek-test-wait "the action's edit" (lambda () (not (equal before (buffer-string)))))))

(condition-case err
    (let ((file (getenv "DEEPSEEK_EMACS_FILE"))
          (line (string-to-number (getenv "DEEPSEEK_EMACS_LINE"))))
      ;; What answering lsp-mode's "import project root?" question once would record.
      (lsp-workspace-folders-add (file-name-directory file))
      (find-file file)
      (deepseek-test-wait "lsp-mode to start deepseek-lsp"
                          (lambda ()
                            (cl-some (lambda (w) (eq (lsp--workspace-status w) 'initialized))
                                     (lsp-workspaces))))
      (deepseek-test-note 'servers (vconcat (mapcar (lambda (w) (symbol-name (lsp--workspace-server-id w)))
                                                    (lsp-workspaces))))
      (goto-char (point-min))
      (forward-line (1- line))
      (end-of-line)
      (if (equal (getenv "DEEPSEEK_EMACS_SCENARIO") "action")
          (deepseek-test-action (getenv "DEEPSEEK_EMACS_ACTION"))
        (deepseek-test-complete))
      (deepseek-test-note 'text (buffer-substring-no-properties (point-min) (point-max)))
      (deepseek-test-finish t))
  (error (deepseek-test-finish nil (format "%S" err))))
;;; run-lsp-mode.el ends here
