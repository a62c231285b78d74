;;; deepseek-eglot.el --- deepseek-lsp through eglot (Emacs 29+ built in; Emacs 28: elpa-eglot)
;; The key comes from DEEPSEEK_API_KEY in Emacs's environment; never put it in this file.
(require 'eglot)

;; eglot runs one server per major mode: these modes now use deepseek-lsp (drop the ones
;; where you would rather keep your language's own server).
(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode js-mode js-ts-mode typescript-ts-mode
                go-mode go-ts-mode rust-mode rust-ts-mode c-mode c++-mode sh-mode)
               . ("deepseek-lsp" "--stdio")))
(dolist (hook '(python-mode-hook python-ts-mode-hook js-mode-hook go-mode-hook
                rust-mode-hook c-mode-hook c++-mode-hook sh-mode-hook))
  (add-hook hook #'eglot-ensure))

;; The code actions you pick apply their edits through workspace/applyEdit; without this, eglot
;; asks "Server wants to edit ... Proceed?" each time.
(setq eglot-confirm-server-initiated-edits nil)

;; Suggestions arrive through completion-at-point (C-M-i, or company/corfu if you use them);
;; DeepSeek's code actions (explain, fix, docstring, tests, @deepseek) through M-x eglot-code-actions.
(with-eval-after-load 'eglot
  (define-key eglot-mode-map (kbd "C-c d a") #'eglot-code-actions))
;;; deepseek-eglot.el ends here
