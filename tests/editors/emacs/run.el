;;; run.el --- batch test driver for test_emacs.py -*- lexical-binding: t -*-
;; Loads the documented config (deepseek-eglot.el, loaded first on the command line), opens
;; $DEEPSEEK_EMACS_FILE, waits for eglot, then at the end of line $DEEPSEEK_EMACS_LINE either
;; completes as C-M-i would or (scenario "action") runs the code action $DEEPSEEK_EMACS_ACTION
;; through M-x eglot-code-actions; writes what happened to $DEEPSEEK_EMACS_OUT as JSON.
(require 'json)
(require 'subr-x)
(require 'cl-lib)

(defvar deepseek-test-results nil)
(defun deepseek-test-note (key value) (push (cons key value) deepseek-test-results))

(defun deepseek-test-wait (what pred &optional seconds)
  "Run the event loop until PRED is non-nil, or fail naming WHAT after SECONDS."
  (let ((deadline (+ (float-time) (or seconds 20))))
    (while (not (funcall pred))
      (when (> (float-time) deadline) (error "Timed out waiting for %s" what))
      (accept-process-output nil 0.02))))

(defun deepseek-test-finish (ok &optional err)
  (with-temp-file (getenv "DEEPSEEK_EMACS_OUT")
    (insert (json-encode `((ok . ,(if ok t :json-false)) (error . ,err)
                           (results . ,deepseek-test-results)))))
  (kill-emacs 0))

;; Scenarios -----------------------------------------------------------------------------

(defun deepseek-test-complete ()
  "List the completions at point, then complete as C-M-i would."
  (let* ((capf (eglot-completion-at-point))
         (table (nth 2 capf))
         (prefix (buffer-substring-no-properties (nth 0 capf) (nth 1 capf))))
    (deepseek-test-note 'prefix prefix)
    (deepseek-test-note 'candidates
                        (vconcat (mapcar #'substring-no-properties
                                         (all-completions prefix table)))))
  (let ((before (buffer-string)))
    (completion-at-point)
    (deepseek-test-wait "the buffer to change" (lambda () (not (equal before (buffer-string)))))))

(defun deepseek-test-action (title)
  "M-x eglot-code-actions at point, picking TITLE from the menu as a user would."
  (let ((before (buffer-string))
        (last-nonmenu-event ?\r))  ; a key, not a mouse click: eglot asks with completing-read
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (deepseek-test-note 'titles (vconcat (mapcar #'car collection)))
                 title)))
      (eglot-code-actions (point) nil nil t))
    (deepseek-test-wait "the action's edit" (lambda () (not (equal before (buffer-string)))))))

(condition-case err
    (let ((file (getenv "DEEPSEEK_EMACS_FILE"))
          (line (string-to-number (getenv "DEEPSEEK_EMACS_LINE"))))
      (find-file file)
      (run-hooks 'post-command-hook)  ; eglot-ensure connects from the next command loop
      (deepseek-test-wait "eglot to connect"
                          (lambda () (and (eglot-current-server) eglot--managed-mode)))
      (deepseek-test-note 'server (jsonrpc-name (eglot-current-server)))
      (goto-char (point-min))
      (forward-line (1- line))
      (end-of-line)
      (if (equal (getenv "DEEPSEEK_EMACS_SCENARIO") "action")
          (deepseek-test-action (getenv "DEEPSEEK_EMACS_ACTION"))
        (deepseek-test-complete))
      (deepseek-test-note 'text (buffer-substring-no-properties (point-min) (point-max)))
      (deepseek-test-finish t))
  (error (deepseek-test-finish nil (format "%S" err))))
;;; run.el ends here
