;;; deepseek-lsp-mode.el --- deepseek-lsp through lsp-mode (Debian: elpa-lsp-mode)
;; The key comes from DEEPSEEK_API_KEY in Emacs's environment; never put it in this file.
(require 'lsp-mode)

;; An add-on server: it runs next to your language's own server (pyright, gopls...), or alone.
(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection '("deepseek-lsp" "--stdio"))
  :activation-fn (lsp-activate-on "python" "javascript" "typescript" "go" "rust" "c" "cpp"
                                  "shellscript")
  :server-id 'deepseek-lsp
  :add-on? t
  :priority -1))
(dolist (hook '(python-mode-hook js-mode-hook typescript-mode-hook go-mode-hook
                rust-mode-hook c-mode-hook c++-mode-hook sh-mode-hook))
  (add-hook hook #'lsp-deferred))

;; Suggestions arrive through completion-at-point (C-M-i, or company/corfu if you use them);
;; DeepSeek's code actions (explain, fix, docstring, tests, @deepseek) through
;; M-x lsp-execute-code-action, here also on C-c d a.
(with-eval-after-load 'lsp-mode
  (define-key lsp-mode-map (kbd "C-c d a") #'lsp-execute-code-action))
;;; deepseek-lsp-mode.el ends here
